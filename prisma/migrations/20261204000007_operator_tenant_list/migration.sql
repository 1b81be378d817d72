-- `tocsin tenant list`: operators see every tenant, while the app's role sees one tenant at a time
-- (row-level security). Like tocsin_authenticate, a narrow SECURITY DEFINER function owned by
-- tocsin_system (which may read "tenant", see tenant_system_read): ids, names, plans and creation
-- times, nothing a tenant owns.
CREATE FUNCTION tocsin_list_tenants()
  RETURNS TABLE (id uuid, name text, plan text, created_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.id, t.name, t.plan, t.created_at FROM tenant t ORDER BY t.created_at, t.id
$$;
ALTER FUNCTION tocsin_list_tenants() OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_list_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_list_tenants() TO tocsin_app;
