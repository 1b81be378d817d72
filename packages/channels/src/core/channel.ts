import type { z } from 'zod';
import type { Outcome } from './outcome.js';
import type { Secret } from './secret.js';
import type { HttpClient } from './http.js';
import type { EventRecord } from './event-record.js';

/** Which plan a kind needs (design §2): push integrations need team, SIEM kinds enterprise. */
export type RequiredPlan = 'team' | 'enterprise';

type Wrapped<V> = V extends string ? Secret : V extends string | undefined ? Secret | undefined : never;

/**
 * A channel's config as `open` receives it: secret fields wrapped in {@link Secret}. Distributes
 * over a union, so a kind with two modes (Slack: webhook or bot token) keeps both.
 */
export type Resolved<C, S extends string> = C extends unknown ? Omit<C, S & keyof C> & { [K in S & keyof C]: Wrapped<C[K]> } : never;

/** The sink a sender works for: every log line and cache key names it. */
export interface SinkRef {
  tenantId: string;
  sinkId: string;
}

/** One delivery handed to a sender. A batch is several of these, all of one sink. */
export interface DeliveryItem {
  /** The delivery id: the receiver's idempotency key (webhook-id, dedup_key, correlation_id). */
  deliveryId: string;
  /** 1 for the first try. */
  attempt: number;
  event: EventRecord;
}

/** What a sender gets with every send. */
export interface SendContext {
  sink: SinkRef;
  /** Clock for signatures and timestamps; tests may pin it. */
  now: () => Date;
}

/** What `open` gets: the shared client and the operator's settings this channel declared. */
export interface OpenDeps {
  /** The shared HTTP client: egress guard on, its own retries off, the channel's timeout set. */
  http: HttpClient;
  /** Values of the channel's declared {@link OperatorSetting}s, by env name (unset ones absent). */
  settings: Readonly<Record<string, string>>;
}

/**
 * A channel opened for one sink. It may hold state across sends (a cached OAuth token, a client);
 * the worker caches it per sink and drops it when the sink changes.
 */
export interface Sender {
  /**
   * Shapes, signs, sends and classifies. Returns one outcome per item, index-aligned; a request
   * that failed as a whole gives each item the same outcome. Never throws for a destination
   * failure. Without `batch` limits, `items` always holds exactly one delivery.
   */
  send(items: readonly DeliveryItem[], ctx: SendContext): Promise<Outcome[]>;
}

/** How a channel talks to its destination; each field has a default in {@link DEFAULT_REQUEST_SETTINGS}. */
export interface RequestSettings {
  /** Whole-request timeout. @defaultValue 10000 */
  timeoutMs: number;
  /** Jobs of this channel's queue one worker process runs at once. @defaultValue 32, or twice `batch.maxEvents` */
  concurrency: number;
  /** Sends per second to one sink; `0` means unlimited. @defaultValue 0 */
  ratePerSecond: number;
}

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = { timeoutMs: 10_000, concurrency: 32, ratePerSecond: 0 };

/** A channel that sends many deliveries of one sink per request declares its limits. */
export interface BatchLimits {
  /** Most deliveries in one request. */
  maxEvents: number;
  /** Most bytes of rendered events in one request, before compression. */
  maxBytes: number;
  /** How long the first delivery of a batch waits for others to join. */
  maxWaitMs: number;
}

/** A setting of the operator's (not the tenant's) that a channel needs, e.g. Slack's OAuth client. */
export interface OperatorSetting {
  /** The environment variable, `TOCSIN_<KIND>_<NAME>`. */
  env: string;
  description: string;
  /** Redacted in logs and never printed. */
  secret: boolean;
}

/** What a creation hook gets: the shared client and the operator's settings. */
export type PrepareDeps = OpenDeps;

/** Why a creation hook refused what the admin posted: the API answers 400 with this code. */
export class PrepareError extends Error {
  override readonly name = 'PrepareError';
  constructor(
    /** Stable and snake_case, e.g. `slack_oauth_failed`. */
    readonly code: string,
    message: string,
    /** The field of `event_sink_args.<Kind>` at fault. */
    readonly field: string,
    /** `operator` when the operator's settings are missing (the API answers 503, not 400). */
    readonly fault: 'admin' | 'operator' = 'admin',
  ) {
    super(message);
  }
}

/**
 * Turns what the admin posts into what is stored (Slack: an OAuth code → a bot token). The input
 * is validated by `inputSchema`; the result must pass the channel's `configSchema`.
 */
export interface CreationHook<I, C> {
  readonly inputSchema: z.ZodType<I>;
  /** `true` when this input needs `prepare`; otherwise it is stored as it is. */
  needsPrepare(input: I): boolean;
  prepare(input: I, deps: PrepareDeps): Promise<C>;
}

export interface Channel<Id extends string = string, C extends Record<string, unknown> = Record<string, unknown>, S extends string = string, I = C> {
  /**
   * The channel's one identity: stored on sinks and deliveries, the folder and the queue name,
   * e.g. `webhook`. Nothing else names a channel inside Tocsin.
   */
  readonly id: Id;
  /**
   * The channel's name in the public API: the `event_sink_args` key and `event_sink_type`
   * value, e.g. `Webhook` (design §4). Only the API's edge reads it.
   */
  readonly sinkType: string;
  readonly plan: RequiredPlan;
  /** Validates the stored config on save and on load: a strict object, so unknown keys are rejected. */
  readonly configSchema: z.ZodType<C>;
  /** Fields encrypted at rest, redacted in responses and logs, wrapped in Secret for `open`. */
  readonly secretFields: readonly S[];
  /** Every URL in the config that the channel will contact: checked by the egress guard on save. */
  urls(config: C): string[];
  /**
   * Which forwarding rules match events to this kind's sinks (docs/architecture.md, "Who
   * receives an event"): `alert` kinds take push-catalog events at or above the sink's minimum;
   * `siem` kinds take typed events of either catalog by VaultPAM level, every CRITICAL one, and
   * DEBUG only when the sink opts in (its config then spreads `siemConfigFields` from core/siem.ts).
   * @defaultValue `alert`
   */
  readonly routing?: 'alert' | 'siem';
  /** Overrides of {@link DEFAULT_REQUEST_SETTINGS}. */
  readonly request?: Partial<RequestSettings>;
  /** Set by channels that send many deliveries per request. */
  readonly batch?: BatchLimits;
  /** Operator-level settings, read by the config module. */
  readonly settings?: readonly OperatorSetting[];
  /** Set by channels whose stored config is derived from what the admin posts. */
  readonly create?: CreationHook<I, C>;
  /** Opens a sender for one sink. Cheap and synchronous: I/O happens in `send`. */
  open(config: Resolved<C, S>, deps: OpenDeps): Sender;
}

/** Any channel, whatever its config type: what the registry, worker and API handle. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- channels of different config types
export type AnyChannel = Channel<string, any, any, any>;

/** Identity helper that keeps the literal types of a channel definition. */
export function defineChannel<Id extends string, C extends Record<string, unknown>, S extends string, I = C>(channel: Channel<Id, C, S, I>): Channel<Id, C, S, I> {
  return channel;
}

/**
 * The request settings of a channel: its own over the defaults. A batching channel runs four
 * batches' worth of jobs at once by default, so batches fill while earlier ones are claimed, sent
 * and recorded (a batch can only hold jobs that are running): with two, one Splunk worker idled
 * 40% of the time waiting on PostgreSQL, and four took it from 10,000 to 11,300 events/s
 * (bench/splunk.ts, back to back).
 */
export function requestSettings(channel: Pick<Channel, 'request' | 'batch'>): RequestSettings {
  const concurrency = channel.batch ? 4 * channel.batch.maxEvents : DEFAULT_REQUEST_SETTINGS.concurrency;
  return { ...DEFAULT_REQUEST_SETTINGS, concurrency, ...channel.request };
}

/**
 * A sender for channels that send one delivery per request: `sendOne` runs for each item. Most
 * channels are this; batching channels implement {@link Sender} themselves.
 */
export function perDelivery(sendOne: (item: DeliveryItem, ctx: SendContext) => Promise<Outcome>): Sender {
  return { send: (items, ctx) => Promise.all(items.map((item) => sendOne(item, ctx))) };
}
