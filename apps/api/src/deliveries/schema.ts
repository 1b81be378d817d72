import { z } from 'zod';
import { SEVERITIES } from '@tocsin/catalog';
import { cursorParam, limitParam } from '../paging.js';
import { timestampDate } from '../json/timestamp.js';
import type { presentAttempt, presentDelivery, presentDeliveryDetail } from './present.js';

/**
 * Every state a delivery can be in (the delivery_state_check constraint). `held`: waiting while
 * its sink is disabled (circuit open, 410 Gone, an admin); enabling the sink resumes it.
 */
export const DELIVERY_STATES = ['pending', 'in_flight', 'retrying', 'delivered', 'failed', 'skipped', 'held'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * Most failed deliveries one recover call re-sends. A bigger backlog takes more calls with the
 * same `since` (each re-sends the oldest still failed); the answer says when one was cut short.
 */
export const MAX_RECOVER = 10_000;

/** Years 0001 to 9999 UTC, offsets up to ±14:00 (json/timestamp.ts). */
const timestamp = timestampDate();

/** `/v1/event_sink/{id}/deliveries` and `/v1/event_sink/{id}/recover`. */
export const sinkDeliveriesParams = z.strictObject({ id: z.uuid() });

/** `GET /v1/event_sink/{id}/deliveries?state=&since=&limit=&cursor=`. */
export const deliveryListQuery = z.strictObject({
  state: z.enum(DELIVERY_STATES).optional(),
  /** Deliveries created at or after this time. */
  since: timestamp.optional(),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;

/** `/v1/deliveries/{id}` and `/v1/deliveries/{id}/retry`. */
export const deliveryIdParam = z.strictObject({ id: z.uuid() });

/** `POST /v1/deliveries/{id}/retry` takes no fields: no body, or `{}`. */
export const retryBody = z.strictObject({}).optional();

/** `POST /v1/event_sink/{id}/recover`: re-send the sink's failed deliveries created since then. */
export const recoverBody = z.strictObject({ since: timestamp });
export type RecoverBody = z.infer<typeof recoverBody>;

// What the routes answer, for the OpenAPI document (the routes build answers with present.ts;
// the assignments at the end hold these schemas to those functions' types).

const instant = z.iso.datetime({ offset: true });

const ms = z.number().int().min(0);

/** The worker's retry policy for the delivery's round, by its event's severity (docs/architecture.md, "Retry policy per severity"). */
export const retryPolicyResponse = z
  .strictObject({
    severity: z.enum(SEVERITIES),
    first_delay_ms: ms.meta({ description: 'Delay before the first retry; each next one is 4× longer (±20% jitter), at most 6 h.' }),
    max_attempts: z.number().int().min(1).meta({ description: 'Attempts that count in this round; Retry-After deferrals do not.' }),
    max_deferrals: z.number().int().min(0).meta({ description: '429 / 503 answers with Retry-After that may delay the delivery without counting as an attempt.' }),
    window_ms: ms.meta({ description: 'How long after the round’s first attempt it is retried.' }),
    retry_until: instant.nullable().meta({ description: 'No automatic retry after this time.' }),
  })
  .nullable()
  .meta({ description: 'Fixed at the first attempt of a round (a manual re-send or a resume starts a new round); null before it.' });

/** One entry of a sink's delivery log. */
export const deliveryResponse = z.strictObject({
  id: z.uuid(),
  event_id: z.uuid(),
  sink_id: z.uuid(),
  action: z.string().nullable(),
  state: z.enum(DELIVERY_STATES),
  attempts: z.number().int().min(0).meta({ description: 'Attempts made, across manual re-sends too.' }),
  last_status: z.number().int().nullable(),
  last_error_code: z.string().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: instant.nullable().meta({ description: 'When the next automatic retry is due; only while `retrying`.' }),
  deferrals: z.number().int().min(0).meta({ description: 'Attempts of this round answered 429 / 503 with Retry-After, which waited without counting.' }),
  retry_policy: retryPolicyResponse,
  created_at: instant,
  updated_at: instant,
  finished_at: instant.nullable(),
});

export const deliveryAttemptResponse = z.strictObject({
  attempt: z.number().int().min(1),
  started_at: instant,
  duration_ms: z.number().int().min(0),
  outcome: z.enum(['delivered', 'retryable', 'permanent']),
  status_code: z.number().int().nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  response_body: z.string().nullable().meta({ description: 'The start of what the destination answered.' }),
});

/** GET /v1/event_sink/{id}/deliveries. */
export const deliveryListResponse = z.strictObject({
  deliveries: z.array(deliveryResponse),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` (with the same state and since, or none) for the next page; null on the last.' }),
});

/** GET /v1/deliveries/{id} and POST /v1/deliveries/{id}/retry. */
export const deliveryDetailResponse = z.strictObject({
  delivery: deliveryResponse.extend({
    event: z
      .strictObject({
        id: z.uuid(),
        action: z.string(),
        title: z.string(),
        category: z.string().nullable(),
        severity: z.string(),
        occurred_at: instant,
        received_at: instant,
      })
      .nullable(),
    attempt_log: z.array(deliveryAttemptResponse).meta({ description: 'Every attempt, oldest first.' }),
  }),
});

/** POST /v1/event_sink/{id}/recover. */
export const recoverResponse = z.strictObject({
  recovered: z.number().int().min(0).max(MAX_RECOVER),
  truncated: z.boolean().meta({ description: `True when more failed deliveries remain than one call re-sends (${MAX_RECOVER}); call again with the same since.` }),
});

// Columns are strings where these schemas have enums, so the check is on the field names.
type Assignable<T extends U, U> = T;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
export type DeliveryAgrees = Assignable<SameKeys<ReturnType<typeof presentDelivery>, z.output<typeof deliveryResponse>>, true>;
export type AttemptAgrees = Assignable<SameKeys<ReturnType<typeof presentAttempt>, z.output<typeof deliveryAttemptResponse>>, true>;
export type DetailAgrees = Assignable<SameKeys<ReturnType<typeof presentDeliveryDetail>, z.output<typeof deliveryDetailResponse>['delivery']>, true>;
