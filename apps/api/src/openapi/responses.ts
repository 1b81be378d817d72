import { z } from 'zod';
import { LEVELS, SEVERITIES, type EventRecord } from '@tocsin/catalog';
import { sinkTypes } from '@tocsin/channels';
import { MAX_BATCH, eventInput, batchInput } from '../ingest/schema.js';
import type { IngestResult } from '../ingest/service.js';
import type { presentSink } from '../sinks/present.js';
import type { TestResult } from '../sinks/test-send.js';

/**
 * Schemas of what the routes answer, for the document only: requests are validated with the
 * routes' own schemas, answers are built by each folder's present function. The assignments at
 * the end make the compiler hold these to those functions' types; the OpenAPI e2e test holds
 * them to real answers.
 */

const timestamp = z.iso.datetime({ offset: true });

/** `{"error": {"code", "message", "details"}}`: every 4xx and 5xx (design §4). */
export const errorEnvelope = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable, snake_case: what a client branches on.' }),
      message: z.string().meta({ description: 'For people; may change.' }),
      details: z.array(
        z.strictObject({
          path: z.string().meta({ description: 'The offending field, dot-separated (events.3.action), or the parameter’s name.' }),
          message: z.string(),
          code: z.string().optional(),
        }),
      ),
    }),
  })
  .meta({ description: 'The error envelope of every answer that is not a success.' });

/** One event sink (the event-sink seed's shape, extended); secret fields read `[REDACTED]`. */
export const eventSink = z.strictObject({
  id: z.uuid(),
  tenant_id: z.uuid(),
  name: z.string(),
  description: z.string(),
  event_sink_type: z.enum(sinkTypes),
  configuration: z.record(z.string(), z.record(z.string(), z.unknown())).meta({ description: '`{"<Kind>": {...}}`, secret fields redacted.' }),
  events: z.array(z.string()),
  min_severity: z.enum(SEVERITIES),
  enabled: z.boolean(),
  disabled_reason: z
    .string()
    .nullable()
    .meta({ description: 'Why the sink is disabled: `disabled_by_admin`, `plan_downgraded`, `circuit_open` (it failed without a delivery for TOCSIN_BREAKER_OPEN_AFTER_MS) or `gone` (it answered 410). Its deliveries are held until it is enabled again.' }),
  rate_per_second: z.number().min(0).nullable().meta({ description: 'Sends per second to this sink, overriding its kind’s default (null: the default; 0: unlimited).' }),
  created_at: timestamp,
  updated_at: timestamp,
});

export const eventSinkEnvelope = z.strictObject({ event_sink: eventSink });
export const eventSinkList = z.strictObject({
  event_sinks: z.array(eventSink),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
});
export const deletedSink = z.strictObject({ id: z.uuid(), tenant_id: z.uuid() });

/** What POST /v1/events answers for each event. */
export const ingestResult = z.strictObject({
  id: z.uuid(),
  action: z.string(),
  category: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  level: z.enum(LEVELS).nullable(),
  catalog: z.boolean().meta({ description: 'True when the action is a typed catalog event.' }),
  deliveries: z.number().int().min(0),
  duplicate: z.boolean().meta({ description: 'True when an event with this id was already stored: nothing was stored or delivered again.' }),
});
export const ingestBatchResult = z.strictObject({ accepted: z.number().int().min(0), events: z.array(ingestResult) });

/**
 * The body of POST /v1/events as documented. The router reads the batch envelope first
 * (`batchInput`: its size is refused before any event is read), then each event with
 * `eventInput`; this composes the two into what a client sends.
 */
export const ingestBody = z.union([eventInput, batchInput.extend({ events: z.array(eventInput).min(1).max(MAX_BATCH) })]);

const party = z.strictObject({ id: z.string().nullable(), type: z.string().nullable(), name: z.string().nullable() }).nullable();

/** The normalized record, identical in push and pull (design §4). */
export const eventRecord = z.strictObject({
  id: z.uuid(),
  tenant_id: z.uuid(),
  action: z.string(),
  title: z.string(),
  category: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  level: z.enum(LEVELS).nullable(),
  actor: party,
  resource: party,
  source_ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  occurred_at: timestamp,
  received_at: timestamp,
});
export const eventsPage = z.strictObject({
  data: z.array(eventRecord),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` (with the same from/to) for the next page; null at the end of a closed window.' }),
});

/** POST /v1/event_sink/{id}/test: the attempt and the event it sent. */
export const sinkTestResult = z.strictObject({
  test: z.strictObject({
    id: z.uuid(),
    sink_id: z.uuid(),
    started_at: timestamp,
    duration_ms: z.number().int().min(0),
    outcome: z.enum(['delivered', 'retryable', 'permanent']),
    status: z.number().int().nullable().meta({ description: 'The destination’s HTTP status; null when no answer came (timeout, network, egress denied).' }),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    event: eventRecord,
  }),
});

export const liveness = z.strictObject({ status: z.literal('ok') });
const check = z.enum(['ok', 'unavailable']);
export const readiness = z.strictObject({ status: z.enum(['ready', 'not_ready']), checks: z.strictObject({ postgres: check, redis: check }) });

/** Any JSON object (the OpenAPI document itself). */
export const jsonObject = z.record(z.string(), z.unknown());

// The compiler keeps the schemas above in step with what the present functions return.
// A stored sink's severity is a string column, so for sinks the check is on the field names.
type Assignable<T extends U, U> = T;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
export type SinkAgrees = Assignable<SameKeys<ReturnType<typeof presentSink>, z.output<typeof eventSink>>, true>;
export type IngestAgrees = Assignable<IngestResult, z.output<typeof ingestResult>>;
export type RecordAgrees = Assignable<EventRecord, z.output<typeof eventRecord>>;
export type TestAgrees = Assignable<TestResult, z.output<typeof sinkTestResult>['test']>;
