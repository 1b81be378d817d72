-- Retention (docs/architecture.md, "Retention"): how long a tenant's audit events, and the
-- attempt log of finished deliveries, are kept. NULL: for ever.
ALTER TABLE "tenant" ADD COLUMN "event_retention_days" INTEGER;
ALTER TABLE "tenant" ADD COLUMN "attempt_retention_days" INTEGER;
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_event_retention_days_check" CHECK ("event_retention_days" BETWEEN 1 AND 36500);
ALTER TABLE "tenant" ADD CONSTRAINT "tenant_attempt_retention_days_check" CHECK ("attempt_retention_days" BETWEEN 1 AND 36500);

-- The retention job deletes attempts oldest first, per tenant.
CREATE INDEX "delivery_attempt_tenant_started_at_idx" ON "delivery_attempt" ("tenant_id", "started_at");

-- The retention job's one cross-tenant read: which tenants have a policy, and what it is. Like
-- tocsin_list_tenants, a narrow SECURITY DEFINER function owned by tocsin_system (which may read
-- "tenant"): ids and two numbers, nothing a tenant owns. Each tenant's rows are then deleted
-- under its own tenant setting, through row-level security.
CREATE FUNCTION tocsin_retention_policies()
  RETURNS TABLE (tenant_id uuid, event_retention_days integer, attempt_retention_days integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.id, t.event_retention_days, t.attempt_retention_days FROM tenant t
     WHERE t.event_retention_days IS NOT NULL OR t.attempt_retention_days IS NOT NULL
     ORDER BY t.id
$$;
ALTER FUNCTION tocsin_retention_policies() OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_retention_policies() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_retention_policies() TO tocsin_app;
