import { createHash } from 'node:crypto';
import type { EventRecord, Party } from '../core/event-record.js';
import { fitDetail, type TruncatedDetail } from '../core/fit-detail.js';
import { truncateUtf8 } from '../core/truncate.js';
import { toWireRecord } from '../core/wire-record.js';
import type { DataCollectorField, LogsIngestionColumn } from './columns.js';

/**
 * Most bytes of one Logs Ingestion request body, before compression. The service refuses more
 * than 1,048,576 bytes ("Maximum allowed content length: 1048576 bytes (1 MB)", 413
 * `ContentLengthLimitExceeded`; service limits include, channels.md §11); the Azure SDK cuts its
 * chunks at 1,000,000 bytes of JSON, and so do we. The Data Collector takes 30 MB per post
 * (data-collector-api, "Data limits"); the same 1,000,000 keeps its requests small too.
 */
export const SENTINEL_REQUEST_MAX_BYTES = 1_000_000;

/**
 * Most deliveries in one request. Neither API documents a count limit; 1,000 is the ingest API's
 * own batch size and keeps a request of typical records (~700 bytes) under the byte limit.
 */
export const SENTINEL_REQUEST_MAX_EVENTS = 1_000;

/**
 * A column value of the Logs Ingestion API: "Field values ≤ 64 KB" (service limits include;
 * longer values are truncated by the service). The docs do not say whether KB is 1,000 or 1,024
 * bytes: we keep within 64,000.
 */
export const LOGS_INGESTION_FIELD_MAX_BYTES = 64_000;

/**
 * A field value of the Data Collector API: "Maximum of 32 KB for field values. If the field value
 * is greater than 32 KB, the data will be truncated" (data-collector-api, "Data limits"): 32,000.
 */
export const DATA_COLLECTOR_FIELD_MAX_BYTES = 32_000;

/**
 * Our bound on each of an actor's or resource's `id`, `type` and `name` (ingest caps them at 256,
 * 64 and 256 characters): even escaped, an `Actor` or `Resource` value stays within 64 KB.
 */
export const SENTINEL_PARTY_FIELD_MAX_BYTES = 1_024;

/**
 * Ours → Sentinel's alert and incident vocabulary, High | Medium | Low | Informational (no
 * Critical; Azure SDK `SecurityInsightsAlertSeverity`, channels.md §1). `SeverityOriginal`
 * keeps ours, so `critical` stays distinguishable from `high`.
 */
export const SENTINEL_SEVERITY = {
  critical: 'High',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
} as const satisfies Record<EventRecord['severity'], 'High' | 'Medium' | 'Low' | 'Informational'>;

export type IngestionRow = Record<LogsIngestionColumn, unknown>;
export type CollectorRow = Record<DataCollectorField, string | null>;

/** One rendered row: its JSON, and whether `detail` had to be cut. */
export interface RenderedRow {
  json: string;
  truncated: boolean;
}

const capped = (value: string | null, maxBytes: number): string | null => (value === null ? null : truncateUtf8(value, maxBytes));

const party = (p: Party | null): Party | null =>
  p === null
    ? null
    : { id: capped(p.id, SENTINEL_PARTY_FIELD_MAX_BYTES), type: capped(p.type, SENTINEL_PARTY_FIELD_MAX_BYTES), name: capped(p.name, SENTINEL_PARTY_FIELD_MAX_BYTES) };

/**
 * The detail's JSON within `maxBytes`: as it is, or {@link TruncatedDetail} with as much of its
 * JSON as fits. The empty-prefix form is ~60 bytes, so it always fits the limits used here.
 */
function fittedDetailJson(detail: Record<string, unknown>, maxBytes: number): { json: string; truncated: boolean } {
  const fitted = fitDetail(detail, maxBytes, (d) => JSON.stringify(d));
  if (fitted !== undefined) return { json: fitted.body, truncated: fitted.truncated };
  const empty: TruncatedDetail = { truncated: true, original_bytes: Buffer.byteLength(JSON.stringify(detail)), json_prefix: '' };
  return { json: JSON.stringify(empty), truncated: true };
}

/**
 * One Logs Ingestion row (columns.ts): the whole wire record, `Detail` a dynamic value whose JSON
 * is within 64,000 bytes, each string within 64,000 bytes. Pure.
 */
export function renderIngestionRow(event: EventRecord): RenderedRow {
  const record = toWireRecord(event);
  const detail = fittedDetailJson(record.detail, LOGS_INGESTION_FIELD_MAX_BYTES);
  const cap = (value: string | null) => capped(value, LOGS_INGESTION_FIELD_MAX_BYTES);
  const row: IngestionRow = {
    TimeGenerated: record.occurred_at,
    EventId: cap(record.id),
    TocsinTenantId: cap(record.tenant_id),
    Action: cap(record.action),
    EventTitle: cap(record.title),
    Category: cap(record.category),
    Severity: SENTINEL_SEVERITY[record.severity],
    SeverityOriginal: record.severity,
    Level: record.level,
    Actor: party(record.actor),
    Resource: party(record.resource),
    SourceIp: cap(record.source_ip),
    Detail: JSON.parse(detail.json) as unknown,
    OccurredAt: record.occurred_at,
    ReceivedAt: record.received_at,
  };
  return { json: JSON.stringify(row), truncated: detail.truncated };
}

/**
 * One Data Collector row (columns.ts): flat, every value a string (or null, which the API leaves
 * out), `Detail` the detail's JSON text, each value within 32,000 bytes. Pure.
 */
export function renderCollectorRow(event: EventRecord): RenderedRow {
  const record = toWireRecord(event);
  const detail = fittedDetailJson(record.detail, DATA_COLLECTOR_FIELD_MAX_BYTES);
  const cap = (value: string | null) => capped(value, DATA_COLLECTOR_FIELD_MAX_BYTES);
  const actor = party(record.actor);
  const resource = party(record.resource);
  const row: CollectorRow = {
    EventId: cap(record.id),
    TocsinTenantId: cap(record.tenant_id),
    Action: cap(record.action),
    EventTitle: cap(record.title),
    Category: cap(record.category),
    Severity: SENTINEL_SEVERITY[record.severity],
    SeverityOriginal: record.severity,
    Level: record.level,
    ActorId: actor?.id ?? null,
    ActorType: actor?.type ?? null,
    ActorName: actor?.name ?? null,
    ResourceId: resource?.id ?? null,
    ResourceType: resource?.type ?? null,
    ResourceName: resource?.name ?? null,
    SourceIp: cap(record.source_ip),
    Detail: detail.json,
    OccurredAt: record.occurred_at,
    ReceivedAt: record.received_at,
  };
  return { json: JSON.stringify(row), truncated: detail.truncated };
}

/**
 * `x-ms-client-request-id` for one request: a GUID derived from the deliveries it carries, so a
 * worker's retry of the same batch carries the same id (as the Azure SDK reuses its id on retry),
 * and Microsoft support can find the request.
 */
export function clientRequestId(deliveryIds: readonly string[]): string {
  const hex = createHash('sha256').update(deliveryIds.join('\n')).digest('hex');
  // RFC 9562 layout with version 8 (custom) and the RFC variant bits.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
