import { z } from 'zod';
import { channelById } from '@tocsin/channels';
import { Prisma, type Database, type Tx } from '@tocsin/db';
import type { DueDelivery, Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import type { ConfigAudit } from '../audit/config-audit.js';
import { planAllows, planRequired } from '../auth/authenticate.js';
import type { Plan, Principal } from '../auth/principal.js';
import { ApiError } from '../errors.js';
import { DEFAULT_LIMIT } from '../paging.js';
import { CursorSigner, invalidCursor } from '../signed-cursor.js';
import { presentDelivery, presentDeliveryDetail } from './present.js';
import { DELIVERY_STATES, MAX_RECOVER, type DeliveryListQuery, type RecoverBody } from './schema.js';

export interface DeliveryServiceDeps {
  db: Database;
  producer: Producer;
  logger: Logger;
  audit: ConfigAudit;
  /** Signs delivery-log cursors (the Events API's key; the signer's purpose keeps them apart). */
  cursorKey: Buffer;
  /** Delay before the relay treats a re-sent delivery as its own (the api enqueues it first). */
  relayGraceMs: number;
}

/**
 * What a delivery-log cursor holds: the sink and filters it was issued for, and the last row
 * returned, in the log's order (created_at, id), both descending.
 */
const cursorPayload = z.strictObject({
  v: z.literal(1),
  sink: z.uuid(),
  state: z.enum(DELIVERY_STATES).nullable(),
  since: z.number().int().nullable(),
  at: z.number().int(),
  id: z.uuid(),
});
type CursorPayload = z.infer<typeof cursorPayload>;

const notFound = (what: 'event sink' | 'delivery') => new ApiError(404, 'not_found', `No ${what} with that id.`);

/** Why a delivery cannot be re-sent now, by state; failed and skipped ones can. */
const NOT_RETRYABLE: Partial<Record<string, [code: string, message: string]>> = {
  delivered: ['already_delivered', 'The delivery was delivered; there is nothing to retry.'],
  in_flight: ['delivery_in_flight', 'The delivery is being sent right now; look at it again in a moment.'],
  pending: ['delivery_scheduled', 'The delivery has not been sent yet; it is sent as soon as a worker takes it.'],
  retrying: ['delivery_scheduled', 'The delivery is already waiting for its next automatic retry (next_attempt_at).'],
  held: ['delivery_held', 'The delivery is held while its event sink is disabled; enabling the sink resumes it.'],
};

interface SinkRef {
  id: string;
  name: string;
  channel: string;
  enabled: boolean;
  deletedAt: Date | null;
}

/** A re-sent delivery as the update returns it: what enqueueing needs. */
interface Resent {
  id: string;
  tenant_id: string;
  sink_id: string;
  channel: string;
  manual_retries: number;
}

const due = (r: Resent): DueDelivery => ({ id: r.id, tenantId: r.tenant_id, sinkId: r.sink_id, channel: r.channel, round: r.manual_retries });

/**
 * A re-sent delivery goes back to `pending` with a fresh set of automatic retries: the worker
 * counts its attempts from `attempts_at_retry` on (apps/worker/src/processor.ts, decide), and
 * `manual_retries` names the round, so the new job does not collide with the finished job of the
 * previous round. Attempt numbers go on increasing. `next_attempt_at` is the relay's grace, as
 * at ingest.
 */
function resendSql(graceMs: number): Prisma.Sql {
  return Prisma.sql`manual_retries = d.manual_retries + 1, ${freshRoundSql(graceMs)}`;
}

/**
 * A new round of automatic retries: pending after the relay's grace, the attempt count, the
 * Retry-After deferrals and the retry policy (with its deadline) start again at the next attempt.
 */
function freshRoundSql(graceMs: number): Prisma.Sql {
  return Prisma.sql`state = 'pending', attempts_at_retry = d.attempts, deferrals = 0, retry_policy = NULL, retry_until = NULL,
    next_attempt_at = now() + make_interval(secs => ${graceMs / 1000}::float8), finished_at = NULL, updated_at = now()`;
}

/**
 * Disabling a sink (an admin's PUT; the worker's circuit breaker does the same in
 * apps/worker/src/breaker.ts) holds its deliveries that wait for a send: they stay in the log as
 * `held`, not skipped, and a delivery in flight is held when its claim finds the sink disabled.
 */
export async function holdSinkDeliveries(tx: Tx, sinkId: string): Promise<void> {
  await tx.$executeRaw`UPDATE delivery SET state = 'held', updated_at = now() WHERE sink_id = ${sinkId}::uuid AND state IN ('pending', 'retrying')`;
}

/**
 * Enabling a sink resumes its held deliveries, each with a fresh round of retries (the hold may
 * have outlasted its window). Like a manual re-send it is a new round with its own job id: a
 * held delivery may still have a delayed retry job in Redis under the old one, which would
 * otherwise make the add a no-op until that delay ran out (the old job, when it comes, finds the
 * delivery taken or done and completes without sending).
 */
export async function resumeSinkDeliveries(tx: Tx, sinkId: string, graceMs: number): Promise<DueDelivery[]> {
  const rows = await tx.$queryRaw<Resent[]>`
    UPDATE delivery d SET ${resendSql(graceMs)}
     WHERE d.sink_id = ${sinkId}::uuid AND d.state = 'held'
    RETURNING d.id, d.tenant_id, d.sink_id, d.channel, d.manual_retries`;
  return rows.map(due);
}

/** Enqueues resumed deliveries after the commit, not awaited: if Redis refuses, the relay enqueues them after the grace. */
export function enqueueResumed(producer: Producer, logger: Logger, deliveries: DueDelivery[]): void {
  if (deliveries.length === 0) return;
  producer.enqueue(deliveries).catch((err: unknown) => logger.warn({ err, count: deliveries.length }, 'enqueue of resumed deliveries failed; the relay will enqueue'));
}

/** The delivery log of a sink, one delivery with its attempts, and manual re-sends. */
export class DeliveryService {
  readonly #cursors: CursorSigner;

  constructor(private readonly deps: DeliveryServiceDeps) {
    this.#cursors = new CursorSigner(deps.cursorKey, 'deliveries');
  }

  /**
   * The sink's deliveries, newest first: a keyset walk of (tenant_id, sink_id, created_at DESC),
   * with the id breaking ties. Rows never move in that order, so a walk returns each delivery at
   * most once; one committed after the walk passed its place (an ingest transaction takes
   * milliseconds) shows on the next walk.
   */
  async list(principal: Principal, sinkId: string, query: DeliveryListQuery) {
    const { tenantId } = principal;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor === undefined ? undefined : this.#openCursor(tenantId, sinkId, query);
    const state = after?.state ?? query.state;
    const since = after?.since ?? query.since?.getTime();
    const { rows, actions } = await this.deps.db.withTenant(tenantId, async (tx) => {
      await this.#sink(tx, sinkId);
      const rows = await tx.delivery.findMany({
        where: {
          tenantId,
          sinkId,
          ...(state === undefined || state === null ? {} : { state }),
          ...(since === undefined || since === null ? {} : { createdAt: { gte: new Date(since) } }),
          ...(after && { AND: [{ createdAt: { lte: new Date(after.at) } }, { OR: [{ createdAt: { lt: new Date(after.at) } }, { id: { lt: after.id } }] }] }),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const events = await tx.auditEvent.findMany({ where: { tenantId, id: { in: [...new Set(rows.map((r) => r.eventId))] } }, select: { id: true, action: true } });
      return { rows, actions: new Map(events.map((e) => [e.id, e.action])) };
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next =
      rows.length > limit && last
        ? this.#cursors.sign(tenantId, { v: 1, sink: sinkId, state: state ?? null, since: since ?? null, at: last.createdAt.getTime(), id: last.id } satisfies CursorPayload)
        : null;
    return { deliveries: page.map((d) => presentDelivery(d, actions.get(d.eventId) ?? null)), next_cursor: next };
  }

  async get(principal: Principal, id: string) {
    return this.deps.db.withTenant(principal.tenantId, async (tx) => {
      const detail = await this.#detail(tx, principal.tenantId, id);
      if (!detail) throw notFound('delivery');
      return detail;
    });
  }

  /** Re-sends a failed or skipped delivery now, through the queue, with a fresh set of retries. */
  async retry(principal: Principal, id: string) {
    const { tenantId } = principal;
    const { resent, previous, detail } = await this.deps.db.withTenant(tenantId, async (tx) => {
      const delivery = await tx.delivery.findFirst({ where: { id }, select: { state: true, sinkId: true } });
      if (!delivery) throw notFound('delivery');
      const sink = await tx.eventSink.findFirst({ where: { id: delivery.sinkId }, select: { id: true, name: true, channel: true, enabled: true, deletedAt: true } });
      assertCanResend(principal.plan, sink);
      const refusal = NOT_RETRYABLE[delivery.state];
      if (refusal) throw new ApiError(409, refusal[0], refusal[1], [{ path: 'state', message: `is ${delivery.state}` }]);
      // Conditional on the state: of two concurrent retries, one re-sends and the other sees pending.
      const [resent] = await tx.$queryRaw<Resent[]>`
        UPDATE delivery d SET ${resendSql(this.deps.relayGraceMs)}
         WHERE d.id = ${id}::uuid AND d.state IN ('failed', 'skipped')
        RETURNING d.id, d.tenant_id, d.sink_id, d.channel, d.manual_retries`;
      if (!resent) throw new ApiError(409, 'delivery_scheduled', 'The delivery was re-sent by another request a moment ago.', [{ path: 'state', message: 'is pending' }]);
      return { resent, previous: delivery.state, detail: (await this.#detail(tx, tenantId, id))! };
    });
    this.#enqueue([due(resent)]);
    await this.deps.audit.record(principal, {
      action: 'DELIVERY_RETRIED',
      resource: { id, type: 'Delivery' },
      detail: { event_sink_id: resent.sink_id, previous_state: previous, round: resent.manual_retries },
    });
    return detail;
  }

  /**
   * Re-sends the sink's failed deliveries created since `since`, oldest first, at most
   * MAX_RECOVER of them; `truncated` says that failed ones remain (call again with the same
   * `since`: those already re-sent are no longer failed).
   */
  async recover(principal: Principal, sinkId: string, body: RecoverBody) {
    const { tenantId } = principal;
    const { resent, truncated, sink } = await this.deps.db.withTenant(tenantId, async (tx) => {
      const sink = await this.#sink(tx, sinkId);
      assertCanResend(principal.plan, sink);
      const failed = Prisma.sql`tenant_id = ${tenantId}::uuid AND sink_id = ${sinkId}::uuid AND state = 'failed' AND created_at >= ${body.since.toISOString()}::timestamptz`;
      // FOR UPDATE: a concurrent recover or retry of the same rows waits, then finds them pending.
      const resent = await tx.$queryRaw<Resent[]>`
        WITH picked AS (SELECT id FROM delivery WHERE ${failed} ORDER BY created_at, id LIMIT ${MAX_RECOVER} FOR UPDATE)
        UPDATE delivery d SET ${resendSql(this.deps.relayGraceMs)}
          FROM picked WHERE d.id = picked.id AND d.state = 'failed'
        RETURNING d.id, d.tenant_id, d.sink_id, d.channel, d.manual_retries`;
      const [rest] = await tx.$queryRaw<{ more: boolean }[]>`SELECT EXISTS (SELECT 1 FROM delivery WHERE ${failed}) AS more`;
      return { resent, truncated: rest?.more ?? false, sink };
    });
    this.#enqueue(resent.map(due));
    await this.deps.audit.record(principal, {
      action: 'DELIVERIES_RECOVERED',
      resource: { id: sink.id, type: 'EventSink', name: sink.name },
      detail: { since: body.since.toISOString(), count: resent.length, truncated },
    });
    return { recovered: resent.length, truncated };
  }

  /** The delivery with its event's summary and every attempt; undefined if there is none. */
  async #detail(tx: Tx, tenantId: string, id: string) {
    const delivery = await tx.delivery.findFirst({ where: { id } });
    if (!delivery) return undefined;
    // One connection per transaction: the two reads run one after the other.
    const event = await tx.auditEvent.findFirst({
      where: { tenantId, id: delivery.eventId },
      select: { id: true, action: true, title: true, category: true, severity: true, occurredAt: true, receivedAt: true },
    });
    const attempts = await tx.deliveryAttempt.findMany({ where: { deliveryId: id }, orderBy: { attempt: 'asc' } });
    return presentDeliveryDetail(delivery, event, attempts);
  }

  /** The sink, if it exists and is not deleted (row-level security hides other tenants'). */
  async #sink(tx: Tx, id: string): Promise<SinkRef> {
    const sink = await tx.eventSink.findFirst({ where: { id, deletedAt: null }, select: { id: true, name: true, channel: true, enabled: true, deletedAt: true } });
    if (!sink) throw notFound('event sink');
    return sink;
  }

  /**
   * Enqueues after the commit, not awaited, as ingest does: if Redis refuses, the rows are
   * pending and the relay enqueues them once the grace has passed.
   */
  #enqueue(deliveries: DueDelivery[]): void {
    if (deliveries.length === 0) return;
    this.deps.producer.enqueue(deliveries).catch((err: unknown) => this.deps.logger.warn({ err, count: deliveries.length }, 'enqueue of re-sent deliveries failed; the relay will enqueue'));
  }

  #openCursor(tenantId: string, sinkId: string, query: DeliveryListQuery): CursorPayload {
    const state = this.#cursors.open(tenantId, query.cursor!, cursorPayload);
    if (state.sink !== sinkId) throw invalidCursor('The cursor belongs to another event sink.');
    if ((query.state !== undefined && query.state !== state.state) || (query.since !== undefined && query.since.getTime() !== state.since)) {
      throw invalidCursor('The cursor belongs to other state/since filters; send the same ones, or none.');
    }
    return state;
  }
}

/** A re-send needs a sink that exists, is enabled and is one the tenant's plan allows. */
function assertCanResend(plan: Plan, sink: SinkRef | null): asserts sink is SinkRef {
  if (!sink || sink.deletedAt) throw new ApiError(409, 'sink_deleted', 'The delivery’s event sink was deleted; it cannot be re-sent.');
  const channel = channelById(sink.channel);
  if (channel && !planAllows(plan, channel.plan)) throw planRequired(channel.plan, `The ${channel.sinkType} integration`);
  if (!sink.enabled) throw new ApiError(409, 'sink_disabled', 'The event sink is disabled; enable it, then re-send.');
}
