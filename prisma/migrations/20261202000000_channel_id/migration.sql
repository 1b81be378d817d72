-- A channel has one identity: its id (`webhook`, `slack`, ...), stored on sinks and deliveries as
-- `channel`. The column was called `kind`, while the public API's "kind" is the sink type
-- (`Webhook`): two values under one name.
ALTER TABLE "event_sink" RENAME COLUMN "kind" TO "channel";
ALTER TABLE "delivery" RENAME COLUMN "kind" TO "channel";

-- The relay also hands out the sink, so a worker can pace a sink before it claims anything.
DROP FUNCTION tocsin_claim_due_deliveries(integer, interval);
CREATE FUNCTION tocsin_claim_due_deliveries(p_limit integer, p_recheck interval)
  RETURNS TABLE (id uuid, tenant_id uuid, channel text, sink_id uuid)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE delivery d SET next_attempt_at = now() + p_recheck
      FROM (SELECT x.id FROM delivery x
             WHERE x.state IN ('pending', 'retrying', 'in_flight') AND x.next_attempt_at <= now()
             ORDER BY x.next_attempt_at
             LIMIT p_limit FOR UPDATE SKIP LOCKED) due
     WHERE d.id = due.id
    RETURNING d.id, d.tenant_id, d.channel, d.sink_id
$$;
ALTER FUNCTION tocsin_claim_due_deliveries(integer, interval) OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_claim_due_deliveries(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_claim_due_deliveries(integer, interval) TO tocsin_app;
