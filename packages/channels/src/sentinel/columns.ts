/**
 * The columns Tocsin sends to Microsoft Sentinel, once: render.ts shapes rows from them, the
 * README shows the admin the DCR `streamDeclarations` and table built from them, and a test holds
 * the two together.
 *
 * Names follow Log Analytics' rules: a letter first, letters, digits and `_`, ≤ 45 characters,
 * none of the reserved `_ResourceId, id, _SubscriptionId, TenantId, Type, UniqueId, Title`
 * (Logs Ingestion API overview; channels.md §11) — hence `TocsinTenantId` and `EventTitle` — and
 * none of the Data Collector's reserved `tenant, TimeGenerated, RawData` (data-collector-api,
 * "Reserved properties"), which is why only the Logs Ingestion row carries `TimeGenerated`.
 */

/** A DCR stream declaration's column types (MS Learn, "Structure of a data collection rule"). */
export type StreamColumnType = 'string' | 'int' | 'long' | 'real' | 'boolean' | 'dynamic' | 'datetime';

/** The Logs Ingestion row, in the order it is sent. */
export const LOGS_INGESTION_COLUMNS = [
  { name: 'TimeGenerated', type: 'datetime', from: 'occurred_at (the table’s required time column)' },
  { name: 'EventId', type: 'string', from: 'id' },
  { name: 'TocsinTenantId', type: 'string', from: 'tenant_id (TenantId is reserved)' },
  { name: 'Action', type: 'string', from: 'action' },
  { name: 'EventTitle', type: 'string', from: 'title (Title is reserved)' },
  { name: 'Category', type: 'string', from: 'category' },
  { name: 'Severity', type: 'string', from: 'severity in Sentinel’s words: High, Medium, Low' },
  { name: 'SeverityOriginal', type: 'string', from: 'severity as Tocsin has it: critical, high, medium, low' },
  { name: 'Level', type: 'string', from: 'level: DEBUG, INFO, WARN, ERROR, CRITICAL or null' },
  { name: 'Actor', type: 'dynamic', from: 'actor {id, type, name} or null' },
  { name: 'Resource', type: 'dynamic', from: 'resource {id, type, name} or null' },
  { name: 'SourceIp', type: 'string', from: 'source_ip' },
  { name: 'Detail', type: 'dynamic', from: 'detail (cut to fit 64 KB, see README)' },
  { name: 'OccurredAt', type: 'datetime', from: 'occurred_at (kept when Azure replaces an out-of-range TimeGenerated)' },
  { name: 'ReceivedAt', type: 'datetime', from: 'received_at' },
] as const satisfies ReadonlyArray<{ name: string; type: StreamColumnType; from: string }>;

export type LogsIngestionColumn = (typeof LOGS_INGESTION_COLUMNS)[number]['name'];

/**
 * The Data Collector row: flat (the API infers a type per top-level property and appends its
 * suffix, `_s`, `_g`, `_t`, …), so actor and resource are spread into columns and `Detail` is
 * the JSON text of the detail.
 */
export const DATA_COLLECTOR_FIELDS = [
  'EventId',
  'TocsinTenantId',
  'Action',
  'EventTitle',
  'Category',
  'Severity',
  'SeverityOriginal',
  'Level',
  'ActorId',
  'ActorType',
  'ActorName',
  'ResourceId',
  'ResourceType',
  'ResourceName',
  'SourceIp',
  'Detail',
  'OccurredAt',
  'ReceivedAt',
] as const;

export type DataCollectorField = (typeof DATA_COLLECTOR_FIELDS)[number];

/** `time-generated-field`: the Data Collector takes TimeGenerated from this field. */
export const DATA_COLLECTOR_TIME_FIELD = 'OccurredAt' satisfies DataCollectorField;
