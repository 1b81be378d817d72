import type { EventRecord } from '../core/event-record.js';
import { fitDetail, type TruncatedDetail } from '../core/fit-detail.js';
import { utf8Length } from '../core/truncate.js';
import { toWireRecord } from '../core/wire-record.js';
import { SPLUNK_DEFAULT_SOURCE, SPLUNK_DEFAULT_SOURCETYPE, type SplunkConfig } from './config.js';

/**
 * Splunk Cloud takes at most 1 MB per HEC request (channels.md §9; Splunk Enterprise's
 * `limits.conf [http_input] max_content_length` is 800 MiB, but a sink cannot tell which it talks
 * to). Every request body stays within 900,000 bytes before compression: 10% headroom under the
 * strictest documented limit, and that is also the most one event may take.
 */
export const SPLUNK_REQUEST_MAX_BYTES = 900_000;

/**
 * Most events in one request. HEC documents no count limit; 1,000 keeps one bad event's
 * follow-up requests small and matches what HEC clients commonly use (Vector, Splunk's cloudfwd).
 */
export const SPLUNK_REQUEST_MAX_EVENTS = 1000;

/** The indexed fields of every event: flat strings only, a nested value gets HEC code 15. */
export interface SplunkFields {
  severity: string;
  level?: string;
  category?: string;
  action: string;
}

/** The event metadata every event of one sink carries. */
export interface SplunkMetadata {
  host?: string;
  source: string;
  sourcetype: string;
  index?: string;
}

/** One event as it goes into a request body, with its size in bytes. */
export interface RenderedSplunkEvent {
  /** One HEC event object, JSON; the body is these concatenated without separator. */
  text: string;
  bytes: number;
  /** The record's `detail` was cut to fit {@link SPLUNK_REQUEST_MAX_BYTES}. */
  truncated: boolean;
}

/** The metadata of a sink's config: defaults applied, optional fields left out. */
export function splunkMetadata(config: Pick<SplunkConfig, 'host' | 'source' | 'sourcetype' | 'index'>): SplunkMetadata {
  return {
    ...(config.host === undefined ? {} : { host: config.host }),
    source: config.source ?? SPLUNK_DEFAULT_SOURCE,
    sourcetype: config.sourcetype ?? SPLUNK_DEFAULT_SOURCETYPE,
    ...(config.index === undefined ? {} : { index: config.index }),
  };
}

/**
 * HEC's `time`: epoch seconds with milliseconds, written as a plain decimal (`1795315111.120`).
 * A number serialised by JSON could come out in exponent notation, which HEC answers with code 15
 * (channels.md §0, gotcha 12), so the text is built from integers. Undefined for a timestamp that
 * does not parse or is before 1970: the event is then sent without `time` and HEC stamps it on
 * arrival.
 */
export function splunkTime(iso: string): string | undefined {
  const ms = Date.parse(iso);
  if (!Number.isSafeInteger(ms) || ms < 0) return undefined;
  const seconds = Math.floor(ms / 1000);
  return `${seconds}.${String(ms - seconds * 1000).padStart(3, '0')}`;
}

/** The indexed fields: severity, level, category and action as flat strings; null ones left out. */
export function splunkFields(event: Pick<EventRecord, 'severity' | 'level' | 'category' | 'action'>): SplunkFields {
  return {
    severity: event.severity,
    ...(event.level === null || event.level === undefined ? {} : { level: event.level }),
    ...(event.category === null || event.category === '' ? {} : { category: event.category }),
    action: event.action,
  };
}

/**
 * The part of every event object that depends only on the sink: `"host":…,"source":…,
 * "sourcetype":…,"index":…,"event":`, serialised once per sender.
 */
export function metadataPrefix(metadata: SplunkMetadata): string {
  return `${JSON.stringify(metadata).slice(1, -1)},"event":`;
}

type Detail = Record<string, unknown> | TruncatedDetail;

/**
 * Renders one event as a HEC event object (help.splunk.com "Format events for HTTP Event
 * Collector"): `{"time","host","source","sourcetype","index","event":<wire record>,"fields"}`.
 * Pure: the same input gives the same bytes. A normal event is serialised once; only an event
 * over {@link SPLUNK_REQUEST_MAX_BYTES} goes through `fitDetail`, which cuts its `detail`.
 *
 * @param prefix from {@link metadataPrefix}, so the sink's part is not serialised per event.
 */
export function renderSplunkEvent(event: EventRecord, prefix: string): RenderedSplunkEvent {
  const record = toWireRecord(event);
  const time = splunkTime(event.occurred_at) ?? splunkTime(event.received_at);
  const head = `{${time === undefined ? '' : `"time":${time},`}${prefix}`;
  const tail = `,"fields":${JSON.stringify(splunkFields(event))}}`;
  const build = (detail: Detail): string => `${head}${JSON.stringify({ ...record, detail })}${tail}`;

  const text = `${head}${JSON.stringify(record)}${tail}`;
  const bytes = utf8Length(text);
  if (bytes <= SPLUNK_REQUEST_MAX_BYTES) return { text, bytes, truncated: false };

  const fitted = fitDetail(record.detail, SPLUNK_REQUEST_MAX_BYTES, build);
  if (fitted) return { text: fitted.body, bytes: utf8Length(fitted.body), truncated: true };
  // The rest of the record alone is over the limit (only a record that bypassed ingest's caps).
  const minimal = `${head}${JSON.stringify({ id: record.id, tenant_id: record.tenant_id, severity: record.severity, truncated: true })},"fields":${JSON.stringify({ severity: record.severity })}}`;
  return { text: minimal, bytes: utf8Length(minimal), truncated: true };
}
