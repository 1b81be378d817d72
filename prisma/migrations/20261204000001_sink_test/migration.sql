-- Test sends (POST /v1/event_sink/{id}/test) are recorded as tests, not as deliveries of a real
-- event: they have no audit_event row and must never be retried or recovered.
CREATE TABLE "sink_test" (
  "id" UUID NOT NULL PRIMARY KEY,
  "tenant_id" UUID NOT NULL,
  "sink_id" UUID NOT NULL,
  "severity" TEXT NOT NULL CHECK ("severity" IN ('low', 'medium', 'high', 'critical')),
  "started_at" TIMESTAMPTZ(3) NOT NULL,
  "duration_ms" INTEGER NOT NULL,
  "outcome" TEXT NOT NULL CHECK ("outcome" IN ('delivered', 'retryable', 'permanent')),
  "status_code" INTEGER,
  "error_code" TEXT,
  "error_message" TEXT,
  "response_body" TEXT,
  "actor" JSONB
);
CREATE INDEX "sink_test_tenant_id_sink_id_started_at_idx" ON "sink_test" ("tenant_id", "sink_id", "started_at" DESC);

ALTER TABLE "sink_test" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sink_test" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sink_test" TO tocsin_app
  USING (tenant_id = tocsin_current_tenant()) WITH CHECK (tenant_id = tocsin_current_tenant());
GRANT SELECT, INSERT ON "sink_test" TO tocsin_app;
