-- Metrics (docs/architecture.md, "Metrics"): what GET /metrics reads from PostgreSQL at scrape
-- time. Row-level security hides every tenant's rows from tocsin_app without a tenant, so, like
-- tocsin_authenticate, these are narrow SECURITY DEFINER functions owned by tocsin_system. They
-- return aggregate numbers per channel (a closed list of kinds) and nothing a tenant owns: no
-- tenant, sink, delivery or event id, no config, no error text.

-- Open circuits are sinks the breaker disabled: tocsin_system may read four columns of
-- event_sink (not its config, name or tenant) and, through its own policy, every row of them.
GRANT SELECT ("channel", "enabled", "disabled_reason", "deleted_at") ON "event_sink" TO tocsin_system;
CREATE POLICY sink_system_read ON "event_sink" FOR SELECT TO tocsin_system USING (true);

-- Deliveries not yet delivered and still being worked on (pending, in flight, retrying, whether
-- throttled or failing) per channel: how many, and the age of the oldest in seconds. Held ones
-- wait for an admin and are counted by the circuits instead. The partial index delivery_due_idx
-- covers exactly these rows, so the cost follows the backlog, not the table.
CREATE FUNCTION tocsin_metrics_deliveries()
  RETURNS TABLE (channel text, undelivered bigint, oldest_seconds double precision)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT d.channel, count(*), extract(epoch FROM now() - min(d.created_at))::double precision
      FROM delivery d
     WHERE d.state IN ('pending', 'retrying', 'in_flight')
     GROUP BY d.channel
$$;

-- How far behind the relay is: the time since the most overdue delivery became due (a pending
-- row past its grace, a retry past its time, a lease run out). The relay moves a row's
-- next_attempt_at forward when it claims it, so this stays near zero while a relay runs. 0 when
-- nothing is overdue. One read of the smallest entry of delivery_due_idx.
CREATE FUNCTION tocsin_metrics_relay_lag()
  RETURNS double precision
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(GREATEST(0, extract(epoch FROM now() - min(d.next_attempt_at)))::double precision, 0)
      FROM delivery d
     WHERE d.state IN ('pending', 'retrying', 'in_flight') AND d.next_attempt_at <= now()
$$;

-- Sinks the breaker disabled (circuit_open) or a destination's 410 Gone disabled (gone), per
-- channel and reason. Deleted sinks are not counted.
CREATE FUNCTION tocsin_metrics_circuits()
  RETURNS TABLE (channel text, reason text, sinks bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.channel, s.disabled_reason, count(*)
      FROM event_sink s
     WHERE NOT s.enabled AND s.deleted_at IS NULL AND s.disabled_reason IN ('circuit_open', 'gone')
     GROUP BY s.channel, s.disabled_reason
$$;

ALTER FUNCTION tocsin_metrics_deliveries() OWNER TO tocsin_system;
ALTER FUNCTION tocsin_metrics_relay_lag() OWNER TO tocsin_system;
ALTER FUNCTION tocsin_metrics_circuits() OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_metrics_deliveries() FROM PUBLIC;
REVOKE ALL ON FUNCTION tocsin_metrics_relay_lag() FROM PUBLIC;
REVOKE ALL ON FUNCTION tocsin_metrics_circuits() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_metrics_deliveries() TO tocsin_app;
GRANT EXECUTE ON FUNCTION tocsin_metrics_relay_lag() TO tocsin_app;
GRANT EXECUTE ON FUNCTION tocsin_metrics_circuits() TO tocsin_app;
