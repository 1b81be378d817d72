-- A manual re-send (POST /v1/deliveries/{id}/retry, POST /v1/event_sink/{id}/recover) gives a
-- delivery a fresh set of automatic retries. The worker fails a delivery for good once it has
-- made TOCSIN_RETRY_MAX_ATTEMPTS attempts since the last manual re-send, so that count is kept
-- here; attempt numbers themselves keep increasing (unique (delivery_id, attempt)).
ALTER TABLE "delivery" ADD COLUMN "attempts_at_retry" INTEGER NOT NULL DEFAULT 0;
-- How many times an admin re-sent it. A one-delivery job's id is the delivery id, and a finished
-- job keeps its id in Redis, so re-adding it would be a no-op: each round gets its own job id.
ALTER TABLE "delivery" ADD COLUMN "manual_retries" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_attempts_at_retry_check" CHECK ("attempts_at_retry" BETWEEN 0 AND "attempts");

-- The relay hands out the round too, so the job it rebuilds has the same id as the api's.
DROP FUNCTION tocsin_claim_due_deliveries(integer, interval);
CREATE FUNCTION tocsin_claim_due_deliveries(p_limit integer, p_recheck interval)
  RETURNS TABLE (id uuid, tenant_id uuid, channel text, sink_id uuid, manual_retries integer)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE delivery d SET next_attempt_at = now() + p_recheck
      FROM (SELECT x.id FROM delivery x
             WHERE x.state IN ('pending', 'retrying', 'in_flight') AND x.next_attempt_at <= now()
             ORDER BY x.next_attempt_at
             LIMIT p_limit FOR UPDATE SKIP LOCKED) due
     WHERE d.id = due.id
    RETURNING d.id, d.tenant_id, d.channel, d.sink_id, d.manual_retries
$$;
ALTER FUNCTION tocsin_claim_due_deliveries(integer, interval) OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_claim_due_deliveries(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_claim_due_deliveries(integer, interval) TO tocsin_app;
