import type { EventRecord, Level, Party, Severity } from '@tocsin/catalog';

/** The columns of audit_event that make a record (as raw SQL returns them). */
export interface AuditEventRow {
  id: string;
  tenant_id: string;
  action: string;
  title: string;
  category: string | null;
  severity: string;
  level: string | null;
  actor: Party | null;
  resource: Party | null;
  source_ip: string | null;
  detail: Record<string, unknown> | null;
  occurred_at: Date;
  received_at: Date;
}

/** The SELECT list matching AuditEventRow; one place, so push and pull stay identical. */
export const AUDIT_EVENT_COLUMNS =
  'id, tenant_id, action, title, category, severity, level, actor, resource, host(source_ip) AS source_ip, detail, occurred_at, received_at';

/** The normalized record: identical in push (every channel) and pull (the Events API). */
export function toEventRecord(row: AuditEventRow): EventRecord {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    action: row.action,
    title: row.title,
    category: row.category,
    severity: row.severity as Severity,
    level: row.level as Level | null,
    actor: row.actor,
    resource: row.resource,
    source_ip: row.source_ip,
    detail: row.detail ?? {},
    occurred_at: row.occurred_at.toISOString(),
    received_at: row.received_at.toISOString(),
  };
}
