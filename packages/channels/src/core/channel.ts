import type { z } from 'zod';
import type { EventRecord } from './event-record.js';
import type { Outcome } from './outcome.js';
import type { Secret } from './secret.js';
import type { HttpClient } from './http.js';

/** Which plan a kind needs (design §2): push integrations need team, SIEM kinds enterprise. */
export type RequiredPlan = 'team' | 'enterprise';

/** A channel's config as the worker hands it over: secret fields wrapped in {@link Secret}. */
export type Resolved<C, S extends keyof C> = Omit<C, S> & { [K in S]: C[K] extends string ? Secret : C[K] extends string | undefined ? Secret | undefined : never };

export interface SendContext {
  /** The delivery id: the receiver's idempotency key (webhook-id, dedup_key, correlation_id). */
  deliveryId: string;
  /** 1 for the first try. */
  attempt: number;
  /** The shared HTTP client: egress guard on, its own retries off, timeouts set. */
  http: HttpClient;
  /** Clock for signatures and timestamps; tests may pin it. */
  now: () => Date;
}

export interface Channel<Kind extends string = string, C extends Record<string, unknown> = Record<string, unknown>, S extends keyof C = keyof C> {
  /** The `event_sink_args` key and `event_sink_type` value, e.g. `Webhook`. */
  readonly kind: Kind;
  /** Lowercase id: the folder name and the queue name suffix, e.g. `webhook`. */
  readonly id: string;
  readonly plan: RequiredPlan;
  /** Validates config on save and on load: a strict object, so unknown keys are rejected. */
  readonly configSchema: z.ZodType<C>;
  /** Fields encrypted at rest, redacted in responses, wrapped in Secret for send. */
  readonly secretFields: readonly S[];
  /** Every URL in the config that the worker will contact: checked by the egress guard on save. */
  urls(config: C): string[];
  /** A rule of the kind on top of the sink's own filter, e.g. SIEM kinds take every critical event. */
  takesAlso?(event: Pick<EventRecord, 'severity'>): boolean;
  /** Shape, sign, send and classify one event. Never throws for a destination failure. */
  send(config: Resolved<C, S>, event: EventRecord, ctx: SendContext): Promise<Outcome>;
}

/** Identity helper that keeps the literal types of a channel definition. */
export function defineChannel<Kind extends string, C extends Record<string, unknown>, S extends keyof C>(
  channel: Channel<Kind, C, S>,
): Channel<Kind, C, S> {
  return channel;
}
