import { eventSinkKey } from '../core/dedup-key.js';
import { createHash } from 'node:crypto';
import type { EventRecord } from '../core/event-record.js';
import { fitDetail } from '../core/fit-detail.js';
import { truncateChars } from '../core/truncate.js';
import { toWireRecord } from '../core/wire-record.js';

/**
 * `payload.summary`: "The maximum permitted length of this property is 1024 characters."
 * https://developer.pagerduty.com/docs/events-API-v2/trigger-events/ (PagerDuty/developer-docs
 * `docs/events-API-v2/02-Trigger-Events.md`).
 */
export const PAGERDUTY_SUMMARY_MAX_CHARS = 1024;

/** `dedup_key`: "The maximum permitted length of this property is 255 characters." (same page). */
export const PAGERDUTY_DEDUP_KEY_MAX_CHARS = 255;

/**
 * "Events API payloads are limited to **512 KB**" — https://developer.pagerduty.com/docs/events-API-v2/overview/
 * ("Size Limits"; PagerDuty/developer-docs `docs/events-API-v2/01-Overview.md`). The page does not
 * say whether KB is 1,000 or 1,024 bytes, so the whole request body is kept within the smaller
 * reading, 512,000 bytes (Prometheus Alertmanager's `maxEventSize` makes the same choice).
 */
export const PAGERDUTY_PAYLOAD_MAX_BYTES = 512_000;

/**
 * Our bound, not PagerDuty's (it documents none) on `source`, `component`, `group` and `class`:
 * ingest already caps the fields they come from far lower; this keeps the size budget exact for
 * any record.
 */
export const PAGERDUTY_FIELD_MAX_CHARS = 1024;

/** `client`: shown by PagerDuty as the sending tool. */
export const PAGERDUTY_CLIENT = 'Tocsin';

/**
 * Ours → `payload.severity`, whose enum is exactly `critical | error | warning | info`
 * (PagerDuty/api-schema `reference/events-v2/openapiv3.json`, `components.schemas.Payload`;
 * channels.md §1). PagerDuty has no "high".
 */
export const PAGERDUTY_SEVERITY = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
} as const satisfies Record<EventRecord['severity'], 'critical' | 'error' | 'warning' | 'info'>;

export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITY)[EventRecord['severity']];

/** The trigger event we send (PagerDuty Events API v2, `POST /v2/enqueue`). */
export interface PagerDutyTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component?: string;
    group?: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
}

export interface PagerDutyRenderInput {
  /** The integration key, revealed by the sender just for the body. */
  routingKey: string;
  /** The sink the event goes to: part of the dedup key. */
  sinkId: string;
}

export interface RenderedPagerDuty {
  /** The exact bytes sent: at most {@link PAGERDUTY_PAYLOAD_MAX_BYTES} of UTF-8. */
  body: string;
  headers: Record<string, string>;
  dedupKey: string;
  /** True when `detail` (or, in the extreme case, the record) had to be cut to fit. */
  truncated: boolean;
}


/** Control characters and runs of whitespace become one space: a summary is one line of text. */
const oneLine = (text: string): string => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Stable for one event at one sink, whatever the attempt or delivery: PagerDuty applies a
 * second trigger with the same key (and routing key) to the open alert instead of opening
 * another, so a retry never pages twice. Two sinks sharing one integration key still get their
 * own alerts. Over 255 characters (not possible with UUIDs) it becomes a hash.
 */
export function pagerdutyDedupKey(sinkId: string, eventId: string): string {
  const key = eventSinkKey(sinkId, eventId);
  if (key.length <= PAGERDUTY_DEDUP_KEY_MAX_CHARS) return key;
  return `tocsin:sha256:${createHash('sha256').update(`${sinkId}:${eventId}`).digest('hex')}`;
}

/** `[HIGH] <title>: <resource> by <actor>`, one line, within 1,024 characters. */
export function pagerdutySummary(event: EventRecord): string {
  const resource = [event.resource?.name, event.resource?.id].find(present);
  const actor = [event.actor?.name, event.actor?.id].find(present);
  let text = `[${event.severity.toUpperCase()}] ${oneLine(event.title)}`;
  if (resource !== undefined) text += `: ${oneLine(resource)}`;
  if (actor !== undefined) text += ` by ${oneLine(actor)}`;
  return truncateChars(text, PAGERDUTY_SUMMARY_MAX_CHARS);
}

/** The affected system: the resource's id (or name), else the request's source IP, else `tocsin`. */
export function pagerdutySource(event: EventRecord): string {
  const source = [event.resource?.id, event.resource?.name, event.source_ip].find(present) ?? 'tocsin';
  return truncateChars(source, PAGERDUTY_FIELD_MAX_CHARS);
}

const capped = (value: string | null | undefined): string | undefined => (present(value) ? truncateChars(value, PAGERDUTY_FIELD_MAX_CHARS) : undefined);

const serialize = (trigger: PagerDutyTrigger): string => JSON.stringify(trigger);

/**
 * Shapes one trigger event (channels.md §6): the summary and PD-CEF fields for PagerDuty's
 * lists, the whole wire record in `custom_details`. Pure: the same input gives the same request.
 * The body always fits {@link PAGERDUTY_PAYLOAD_MAX_BYTES}; an oversized `detail` is cut, never
 * refused.
 */
export function renderPagerDuty(event: EventRecord, input: PagerDutyRenderInput): RenderedPagerDuty {
  const dedupKey = pagerdutyDedupKey(input.sinkId, event.id);
  const record = toWireRecord(event);
  const component = capped(event.resource?.type);
  const group = capped(event.category);
  const trigger = (customDetails: Record<string, unknown>): PagerDutyTrigger => ({
    routing_key: input.routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: pagerdutySummary(event),
      source: pagerdutySource(event),
      severity: PAGERDUTY_SEVERITY[event.severity],
      timestamp: event.occurred_at,
      ...(component === undefined ? {} : { component }),
      ...(group === undefined ? {} : { group }),
      class: truncateChars(event.action, PAGERDUTY_FIELD_MAX_CHARS),
      custom_details: customDetails,
    },
    client: PAGERDUTY_CLIENT,
  });
  const headers = { 'Content-Type': 'application/json' };
  const done = (body: string, truncated: boolean): RenderedPagerDuty => ({ body, headers, dedupKey, truncated });

  const fitted = fitDetail(record.detail, PAGERDUTY_PAYLOAD_MAX_BYTES, (detail) => serialize(trigger({ ...record, detail })));
  if (fitted) return done(fitted.body, fitted.truncated);
  // The rest of the record alone is over the limit (only a record that bypassed ingest's caps).
  return done(serialize(trigger({ id: record.id, tenant_id: record.tenant_id, action: truncateChars(record.action, PAGERDUTY_FIELD_MAX_CHARS), truncated: true })), true);
}
