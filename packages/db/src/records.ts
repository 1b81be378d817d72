import pg from 'pg';
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

/**
 * The same row with its JSON columns as PostgreSQL's text and its timestamps as ISO strings: what
 * a query run with RECORD_JSON_TYPES returns. Lets a reader write records without parsing them.
 */
export interface AuditEventTextRow extends Omit<AuditEventRow, 'actor' | 'resource' | 'detail' | 'occurred_at' | 'received_at'> {
  actor: string | null;
  resource: string | null;
  detail: string | null;
  occurred_at: string;
  received_at: string;
}

const JSONB_OID = 3802;
const TIMESTAMPTZ_OID = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID);

/**
 * A timestamptz as Date#toISOString writes it (milliseconds, truncated like the Date pg makes).
 * PostgreSQL writes `2026-12-03 18:11:36.123456+00` in a session whose TimeZone is UTC; anything
 * else (another zone, BC, a year past 9999) goes the long way, through a Date.
 */
export function isoTimestamp(text: string): string {
  if (text.length >= 22 && text[4] === '-' && text[10] === ' ' && text.endsWith('+00')) {
    const fraction = text[19] === '.' ? text.slice(20, -3) : '';
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${(fraction + '000').slice(0, 3)}Z`;
  }
  return (parseTimestamptz(text) as Date).toISOString();
}

/** pg types for a query whose rows are AuditEventTextRow (jsonb kept as text, timestamptz as ISO). */
export const RECORD_JSON_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === JSONB_OID) return (text: string) => text;
    if (oid === TIMESTAMPTZ_OID) return isoTimestamp;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

const str = (s: string) => JSON.stringify(s);
const strOrNull = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));

/**
 * JSON.stringify(toEventRecord(row)) without building the record: the same fields in the same
 * order, the JSON columns copied as PostgreSQL wrote them (valid JSON, spaced as jsonb prints).
 */
export function eventRecordJson(row: AuditEventTextRow): string {
  return `{"id":${str(row.id)},"tenant_id":${str(row.tenant_id)},"action":${str(row.action)},"title":${str(row.title)},"category":${strOrNull(row.category)},"severity":${str(row.severity)},"level":${strOrNull(row.level)},"actor":${row.actor ?? 'null'},"resource":${row.resource ?? 'null'},"source_ip":${strOrNull(row.source_ip)},"detail":${row.detail ?? '{}'},"occurred_at":${str(row.occurred_at)},"received_at":${str(row.received_at)}}`;
}
