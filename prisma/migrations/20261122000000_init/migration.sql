
-- CreateTable
CREATE TABLE "tenant" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_sink" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "config" JSONB NOT NULL,
    "events" TEXT[],
    "min_severity" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "event_sink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "txid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "action" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "category" TEXT,
    "severity" TEXT NOT NULL,
    "catalog" BOOLEAN NOT NULL,
    "actor" JSONB,
    "resource" JSONB,
    "source_ip" INET,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "sink_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error_code" TEXT,
    "last_error" TEXT,
    "last_status" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_attempt" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "status_code" INTEGER,
    "error_code" TEXT,
    "error_message" TEXT,
    "response_body" TEXT,

    CONSTRAINT "delivery_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE INDEX "api_token_tenant_id_idx" ON "api_token"("tenant_id");

-- CreateIndex
CREATE INDEX "event_sink_tenant_id_idx" ON "event_sink"("tenant_id");

-- CreateIndex
CREATE INDEX "delivery_tenant_id_sink_id_created_at_idx" ON "delivery"("tenant_id", "sink_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "delivery_tenant_id_event_id_idx" ON "delivery"("tenant_id", "event_id");

-- CreateIndex
CREATE INDEX "delivery_attempt_tenant_id_idx" ON "delivery_attempt"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_attempt_delivery_id_attempt_key" ON "delivery_attempt"("delivery_id", "attempt");


-- ---------------------------------------------------------------------------
-- Hand-written: what Prisma's schema language cannot express.
-- ---------------------------------------------------------------------------

ALTER TABLE "tenant" ADD CONSTRAINT "tenant_plan_check" CHECK ("plan" IN ('free', 'team', 'enterprise'));
ALTER TABLE "event_sink" ADD CONSTRAINT "event_sink_min_severity_check" CHECK ("min_severity" IN ('low', 'medium', 'high', 'critical'));
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_severity_check" CHECK ("severity" IN ('low', 'medium', 'high', 'critical'));
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_state_check"
  CHECK ("state" IN ('pending', 'in_flight', 'retrying', 'delivered', 'failed', 'skipped'));

ALTER TABLE "api_token" ADD CONSTRAINT "api_token_tenant_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE;
ALTER TABLE "event_sink" ADD CONSTRAINT "event_sink_tenant_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE;
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_tenant_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE;
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_event_fkey" FOREIGN KEY ("tenant_id", "event_id") REFERENCES "audit_event"("tenant_id", "id") ON DELETE CASCADE;
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_sink_fkey" FOREIGN KEY ("sink_id") REFERENCES "event_sink"("id") ON DELETE CASCADE;
ALTER TABLE "delivery_attempt" ADD CONSTRAINT "delivery_attempt_delivery_fkey" FOREIGN KEY ("delivery_id") REFERENCES "delivery"("id") ON DELETE CASCADE;

-- The Events API reads in (txid, seq) order behind the oldest open transaction, see docs/architecture.md.
CREATE INDEX "audit_event_tenant_txid_seq_idx" ON "audit_event" ("tenant_id", "txid", "seq");
CREATE INDEX "audit_event_tenant_received_at_idx" ON "audit_event" ("tenant_id", "received_at");
-- The relay's scan: only rows that still need work.
CREATE INDEX "delivery_due_idx" ON "delivery" ("next_attempt_at") WHERE "state" IN ('pending', 'retrying', 'in_flight');

-- Roles. tocsin_app is what the api and workers run as (SET ROLE at connect): it owns nothing and
-- cannot bypass row-level security. tocsin_system owns the two cross-tenant functions below and
-- sees only what its own policies allow. Roles are cluster-wide, hence the guards.
DO $$
BEGIN
  BEGIN CREATE ROLE tocsin_app NOLOGIN NOBYPASSRLS; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  BEGIN CREATE ROLE tocsin_system NOLOGIN NOBYPASSRLS; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
END $$;
DO $$
BEGIN
  EXECUTE format('GRANT tocsin_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL; -- already a member, or a superuser that needs no grant
END $$;

GRANT USAGE ON SCHEMA public TO tocsin_app, tocsin_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant", "api_token", "event_sink", "audit_event", "delivery", "delivery_attempt" TO tocsin_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tocsin_app;
GRANT SELECT ON "tenant", "api_token" TO tocsin_system;
GRANT SELECT, UPDATE ON "delivery" TO tocsin_system;

-- The tenant of the current transaction, set with set_config('tocsin.tenant_id', $1, true).
CREATE FUNCTION tocsin_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('tocsin.tenant_id', true), '')::uuid $$;

ALTER TABLE "tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON "tenant" TO tocsin_app
  USING ("id" = tocsin_current_tenant()) WITH CHECK ("id" = tocsin_current_tenant());
CREATE POLICY tenant_system_read ON "tenant" FOR SELECT TO tocsin_system USING (true);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['api_token', 'event_sink', 'audit_event', 'delivery', 'delivery_attempt'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO tocsin_app USING (tenant_id = tocsin_current_tenant()) WITH CHECK (tenant_id = tocsin_current_tenant())', t);
  END LOOP;
END $$;
CREATE POLICY token_system_read ON "api_token" FOR SELECT TO tocsin_system USING (true);
CREATE POLICY delivery_system_read ON "delivery" FOR SELECT TO tocsin_system USING (true);
CREATE POLICY delivery_system_claim ON "delivery" FOR UPDATE TO tocsin_system USING (true) WITH CHECK (true);

-- Authentication happens before the tenant is known: look a token up by its hash, nothing else.
CREATE FUNCTION tocsin_authenticate(p_hash bytea)
  RETURNS TABLE (token_id uuid, tenant_id uuid, scopes text[], plan text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.id, t.tenant_id, t.scopes, n.plan
      FROM api_token t JOIN tenant n ON n.id = t.tenant_id
     WHERE t.token_hash = p_hash AND t.revoked_at IS NULL
$$;

-- The outbox relay: claim deliveries that are due (pending past their grace, retrying past their
-- time, in flight past their lease) and push their next look p_recheck into the future. Returns
-- routing data only. SKIP LOCKED lets any number of relays run at once.
CREATE FUNCTION tocsin_claim_due_deliveries(p_limit integer, p_recheck interval)
  RETURNS TABLE (id uuid, tenant_id uuid, kind text)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE delivery d SET next_attempt_at = now() + p_recheck
      FROM (SELECT x.id FROM delivery x
             WHERE x.state IN ('pending', 'retrying', 'in_flight') AND x.next_attempt_at <= now()
             ORDER BY x.next_attempt_at
             LIMIT p_limit FOR UPDATE SKIP LOCKED) due
     WHERE d.id = due.id
    RETURNING d.id, d.tenant_id, d.kind
$$;

ALTER FUNCTION tocsin_authenticate(bytea) OWNER TO tocsin_system;
ALTER FUNCTION tocsin_claim_due_deliveries(integer, interval) OWNER TO tocsin_system;
REVOKE ALL ON FUNCTION tocsin_authenticate(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION tocsin_claim_due_deliveries(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tocsin_authenticate(bytea) TO tocsin_app;
GRANT EXECUTE ON FUNCTION tocsin_claim_due_deliveries(integer, interval) TO tocsin_app;
