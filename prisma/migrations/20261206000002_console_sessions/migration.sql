-- Console sessions (apps/console/README.md, "Sessions and CSRF"). A browser signs in with an
-- API token once; the api keeps a session row that refers to that token and gives the browser
-- a random secret in an httpOnly cookie. Only the secret's SHA-256 is stored, so the table leaks
-- nothing a browser could replay. A session ends when it expires, when its user signs out (the
-- row is deleted) or when its token is revoked (the lookup joins the token and skips revoked ones).
CREATE TABLE "console_session" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "token_id" UUID NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "console_session_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "console_session_secret_hash_key" ON "console_session"("secret_hash");
CREATE INDEX "console_session_tenant_expires_idx" ON "console_session"("tenant_id", "expires_at");
CREATE INDEX "console_session_token_id_idx" ON "console_session"("token_id");
ALTER TABLE "console_session" ADD CONSTRAINT "console_session_tenant_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE;
ALTER TABLE "console_session" ADD CONSTRAINT "console_session_token_fkey" FOREIGN KEY ("token_id") REFERENCES "api_token"("id") ON DELETE CASCADE;

GRANT SELECT, INSERT, DELETE ON "console_session" TO tocsin_app;
GRANT SELECT ON "console_session" TO tocsin_system;
ALTER TABLE "console_session" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "console_session" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "console_session" TO tocsin_app
  USING (tenant_id = tocsin_current_tenant()) WITH CHECK (tenant_id = tocsin_current_tenant());
CREATE POLICY session_system_read ON "console_session" FOR SELECT TO tocsin_system USING (true);

-- Operators run the deployment (the queue dashboard at /admin/queues). An operator token is an
-- API token with this flag, set only by the operator command (apps/api/src/admin/operators.ts),
-- never through the public API. Its tenant's data stays behind row-level security like any other.
ALTER TABLE "api_token" ADD COLUMN "operator" BOOLEAN NOT NULL DEFAULT false;

-- The session behind a cookie, resolved before the tenant is known (so RLS would hide the row),
-- like tocsin_authenticate: routing data only, and nothing for a revoked token or an expired session.
CREATE FUNCTION tocsin_console_session(p_hash bytea)
  RETURNS TABLE (session_id uuid, token_id uuid, tenant_id uuid, scopes text[], plan text, operator boolean, expires_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.id, t.id, t.tenant_id, t.scopes, n.plan, t.operator, s.expires_at
      FROM console_session s
      JOIN api_token t ON t.id = s.token_id AND t.tenant_id = s.tenant_id
      JOIN tenant n ON n.id = t.tenant_id
     WHERE s.secret_hash = p_hash AND s.expires_at > now() AND t.revoked_at IS NULL
$$;

ALTER FUNCTION tocsin_console_session(bytea) OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_console_session(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_console_session(bytea) TO tocsin_app;

