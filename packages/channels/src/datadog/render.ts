import type { EventRecord } from '../core/event-record.js';
import { fitDetail } from '../core/fit-detail.js';
import { truncateChars } from '../core/truncate.js';
import { toWireRecord } from '../core/wire-record.js';
import { datadogTag } from './tags.js';

/**
 * Limits of `POST /api/v2/logs` (https://docs.datadoghq.com/api/latest/logs/#send-logs):
 * "Maximum content size per payload (uncompressed): 5MB", "Maximum size for a single log: 1MB",
 * "Maximum array size if sending multiple logs in an array: 1000 entries". The page does not say
 * whether MB is 10^6 or 2^20 bytes, so the stricter reading is kept.
 */
export const DATADOG_PAYLOAD_MAX_BYTES = 5_000_000;
export const DATADOG_LOG_MAX_BYTES = 1_000_000;
export const DATADOG_PAYLOAD_MAX_ITEMS = 1000;

/**
 * `message` is one readable line. Datadog bounds only the whole log; 1,024 characters is our
 * bound, so a long title cannot crowd out the record (the record keeps the title whole).
 */
export const DATADOG_MESSAGE_MAX_CHARS = 1024;

/**
 * "Log events can be submitted up to 18 hours in the past and two hours in the future"
 * (https://docs.datadoghq.com/logs/log_configuration/processors/log_date_remapper/); older ones
 * "are dropped at intake" although the request gets its 202 (logs troubleshooting page). An hour
 * of margin on each side absorbs clock skew between us and Datadog.
 */
export const DATADOG_DATE_MAX_AGE_MS = 17 * 60 * 60 * 1000;
export const DATADOG_DATE_MAX_AHEAD_MS = 1 * 60 * 60 * 1000;

/**
 * Datadog `status` values we send (canonical lowercase names; the status remapper matches
 * prefixes, anything else becomes `info`: https://docs.datadoghq.com/logs/log_configuration/processors/log_status_remapper/).
 */
export type DatadogStatus = 'critical' | 'error' | 'warning' | 'info' | 'debug';

type Level = NonNullable<EventRecord['level']>;

/** VaultPAM's level, when the event has one: it is the finer signal (DEBUG and INFO differ). */
export const DATADOG_STATUS_OF_LEVEL = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
} as const satisfies Record<Level, DatadogStatus>;

/** Otherwise Tocsin's severity (channels.md §1). */
export const DATADOG_STATUS_OF_SEVERITY = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
} as const satisfies Record<EventRecord['severity'], DatadogStatus>;

export const datadogStatus = (event: Pick<EventRecord, 'level' | 'severity'>): DatadogStatus =>
  event.level === null ? DATADOG_STATUS_OF_SEVERITY[event.severity] : DATADOG_STATUS_OF_LEVEL[event.level];

/** One log item of the JSON array (`HTTPLogItem` plus attributes). */
export interface DatadogLogItem {
  message: string;
  ddsource: string;
  service: string;
  ddtags: string;
  status: DatadogStatus;
  /** ISO 8601: the first of Datadog's default date attributes we set. */
  date: string;
  /** Datadog standard attributes, where the record has them. */
  evt: { name: string };
  usr?: { id?: string; name?: string };
  network?: { client: { ip: string } };
  /** The wire record, whole. */
  tocsin: Record<string, unknown>;
}

export interface DatadogRenderInput {
  service: string;
  source: string;
  /** Configured tags, already in Datadog's normal form. */
  tags: readonly string[];
  /** The send time: the reference for Datadog's ingestion window. */
  now: Date;
}

export interface RenderedLog {
  /** The item's JSON: at most {@link DATADOG_LOG_MAX_BYTES} of UTF-8. */
  json: string;
  /** True when `detail` (or, in the extreme case, the record) had to be cut to fit. */
  truncated: boolean;
  /** True when `date` is the send time because `occurred_at` is outside Datadog's window. */
  dateAdjusted: boolean;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Control characters and runs of whitespace become one space. */
const oneLine = (text: string): string => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

/** `[critical] <title>: <resource> by <actor>`, one line, within 1,024 characters. */
export function datadogMessage(event: EventRecord): string {
  const resource = [event.resource?.name, event.resource?.id].find(present);
  const actor = [event.actor?.name, event.actor?.id].find(present);
  let text = `[${event.severity}] ${oneLine(event.title)}`;
  if (resource !== undefined) text += `: ${oneLine(resource)}`;
  if (actor !== undefined) text += ` by ${oneLine(actor)}`;
  return truncateChars(text, DATADOG_MESSAGE_MAX_CHARS);
}

/** `occurred_at`, unless Datadog would drop a log of that date: then the send time. */
export function datadogDate(occurredAt: string, now: Date): { date: string; adjusted: boolean } {
  const at = Date.parse(occurredAt);
  const age = now.getTime() - at;
  if (Number.isFinite(at) && age <= DATADOG_DATE_MAX_AGE_MS && -age <= DATADOG_DATE_MAX_AHEAD_MS) return { date: occurredAt, adjusted: false };
  return { date: now.toISOString(), adjusted: true };
}

/**
 * `ddtags`: the event's `severity`, `level`, `category`, `action` and `tenant` (each omitted when
 * empty), `date_adjusted:true` when the date was moved, then the configured tags. Values are
 * normalised by Datadog's rules (tags.ts), so what is sent is what Datadog stores.
 */
export function datadogTags(event: EventRecord, configured: readonly string[], dateAdjusted: boolean): string {
  const own = [
    datadogTag('severity', event.severity),
    datadogTag('level', event.level),
    datadogTag('category', event.category),
    datadogTag('action', event.action),
    datadogTag('tenant', event.tenant_id),
    dateAdjusted ? 'date_adjusted:true' : undefined,
  ].filter((tag): tag is string => tag !== undefined);
  return [...own, ...configured].join(',');
}

function userOf(actor: EventRecord['actor']): DatadogLogItem['usr'] {
  if (actor === null) return undefined;
  const usr = { ...(present(actor.id) ? { id: actor.id } : {}), ...(present(actor.name) ? { name: actor.name } : {}) };
  return Object.keys(usr).length === 0 ? undefined : usr;
}

/**
 * Shapes one log (channels.md §12): the reserved attributes, `status` and `date`, Datadog's
 * standard attributes `evt.name`, `usr.id`/`usr.name` and `network.client.ip` (nested objects, as
 * Datadog reads attribute paths), and the whole wire record under `tocsin`. No `hostname`: the
 * event does not come from a host, and Datadog attaches a matching host's tags to a log by it.
 * Pure: the same input gives the same bytes. The item always fits {@link DATADOG_LOG_MAX_BYTES};
 * an oversized `detail` is cut, never refused.
 */
export function renderDatadogLog(event: EventRecord, input: DatadogRenderInput): RenderedLog {
  const record = toWireRecord(event);
  const { date, adjusted } = datadogDate(event.occurred_at, input.now);
  const usr = userOf(event.actor);
  const item = (tocsin: Record<string, unknown>): DatadogLogItem => ({
    message: datadogMessage(event),
    ddsource: input.source,
    service: input.service,
    ddtags: datadogTags(event, input.tags, adjusted),
    status: datadogStatus(event),
    date,
    evt: { name: event.action },
    ...(usr === undefined ? {} : { usr }),
    ...(present(event.source_ip) ? { network: { client: { ip: event.source_ip } } } : {}),
    tocsin,
  });
  const done = (json: string, truncated: boolean): RenderedLog => ({ json, truncated, dateAdjusted: adjusted });

  const fitted = fitDetail(record.detail, DATADOG_LOG_MAX_BYTES, (detail) => JSON.stringify(item({ ...record, detail })));
  if (fitted) return done(fitted.body, fitted.truncated);
  // The rest of the record alone is over the limit (only a record that bypassed ingest's caps).
  const minimal = { ...item({ id: record.id, tenant_id: record.tenant_id, truncated: true }), evt: { name: truncateChars(event.action, DATADOG_MESSAGE_MAX_CHARS) } };
  delete minimal.usr;
  delete minimal.network;
  return done(JSON.stringify(minimal), true);
}
