-- VaultPAM's five levels (DEBUG … CRITICAL) survive ingest: SIEM kinds match on the level the
-- producer sent, and DEBUG and INFO would otherwise both be stored as severity `low`.
ALTER TABLE "audit_event" ADD COLUMN "level" TEXT;
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_level_check"
  CHECK ("level" IN ('DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'));
