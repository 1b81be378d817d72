import { randomUUID } from 'node:crypto';
import { GroupCommit, Prisma, AUDIT_EVENT_COLUMNS, setTenant, toEventRecord, type AuditEventRow, type Database, type Tx } from '@tocsin/db';
import type { EventRecord } from '@tocsin/catalog';
import type { Outcome } from '@tocsin/channels';

/** Longest error message kept in the attempt log and on the delivery. */
const MAX_MESSAGE = 1_000;

export interface Claimed {
  attempt: number;
  sink: { id: string; kind: string; config: Record<string, unknown> };
  event: EventRecord;
}

export type ClaimResult = { kind: 'claimed'; claim: Claimed } | { kind: 'finished' } | { kind: 'skipped' };

export interface AttemptRecord {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: Outcome;
  /** delivered, retrying (with the next try's time) or failed. */
  next: { state: 'delivered' } | { state: 'retrying'; at: Date } | { state: 'failed' };
}

interface Ref {
  tenantId: string;
  deliveryId: string;
}

/** Groups items by tenant, keeping each item's position so results line up with the batch. */
function byTenant<T extends Ref>(items: T[]): Map<string, { item: T; index: number }[]> {
  const groups = new Map<string, { item: T; index: number }[]>();
  items.forEach((item, index) => {
    const list = groups.get(item.tenantId) ?? [];
    list.push({ item, index });
    groups.set(item.tenantId, list);
  });
  return groups;
}

/**
 * The worker's reads and writes of delivery state. Concurrent jobs share transactions (group
 * commit) — one commit per batch instead of two per delivery — and each statement handles a
 * whole tenant's part of the batch.
 */
export class DeliveryStore {
  readonly #claims: GroupCommit<Ref, ClaimResult>;
  readonly #records: GroupCommit<Ref & { record: AttemptRecord }, void>;

  constructor(
    db: Database,
    private readonly leaseMs: number,
  ) {
    const run = <I extends Ref, O>(fn: (tx: Tx, tenantId: string, group: I[]) => Promise<O[]>) => (items: I[]) =>
      db.transaction(async (tx) => {
        const out = new Array<O>(items.length);
        for (const [tenantId, group] of byTenant(items)) {
          await setTenant(tx, tenantId);
          const results = await fn(tx, tenantId, group.map((g) => g.item));
          group.forEach((g, i) => (out[g.index] = results[i] as O));
        }
        return out;
      });
    this.#claims = new GroupCommit(run((tx, tenantId, group) => this.#claim(tx, tenantId, group)), { lanes: 2, maxBatch: 200 });
    this.#records = new GroupCommit(run((tx, tenantId, group) => this.#record(tx, tenantId, group)), { lanes: 2, maxBatch: 200 });
  }

  /**
   * Takes a delivery for one try: counts the attempt and sets a lease (the relay re-enqueues the
   * row if the lease runs out, e.g. when this worker dies). A delivery that is already finished
   * is left alone, so a duplicate job never sends twice. A sink disabled or deleted since ingest
   * ends the delivery as skipped.
   */
  claim(tenantId: string, deliveryId: string): Promise<ClaimResult> {
    return this.#claims.submit({ tenantId, deliveryId });
  }

  /** Writes the attempt row and the delivery's new state. */
  record(tenantId: string, deliveryId: string, record: AttemptRecord): Promise<void> {
    return this.#records.submit({ tenantId, deliveryId, record });
  }

  async #claim(tx: Tx, tenantId: string, group: Ref[]): Promise<ClaimResult[]> {
    const ids = group.map((g) => g.deliveryId);
    const claimed = await tx.$queryRaw<{ id: string; attempts: number; event_id: string; sink_id: string }[]>`
      UPDATE delivery SET state = 'in_flight', attempts = attempts + 1, updated_at = now(),
             next_attempt_at = now() + make_interval(secs => ${this.leaseMs / 1000}::float8)
       WHERE id = ANY(${ids}::uuid[]) AND state IN ('pending', 'retrying', 'in_flight')
      RETURNING id, attempts, event_id, sink_id`;
    if (claimed.length === 0) return group.map(() => ({ kind: 'finished' }));
    const sinks = await tx.eventSink.findMany({
      where: { id: { in: [...new Set(claimed.map((c) => c.sink_id))] } },
      select: { id: true, kind: true, config: true, enabled: true, deletedAt: true },
    });
    const sinkById = new Map(sinks.map((s) => [s.id, s]));
    const events = await tx.$queryRaw<AuditEventRow[]>(
      Prisma.sql`SELECT ${Prisma.raw(AUDIT_EVENT_COLUMNS)} FROM audit_event
                  WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${[...new Set(claimed.map((c) => c.event_id))]}::uuid[])`,
    );
    const eventById = new Map(events.map((e) => [e.id, e]));

    const results = new Map<string, ClaimResult>();
    const skipped: { id: string; code: string }[] = [];
    for (const c of claimed) {
      const sink = sinkById.get(c.sink_id);
      const event = eventById.get(c.event_id);
      if (!sink || !sink.enabled || sink.deletedAt || !event) {
        skipped.push({ id: c.id, code: !sink || sink.deletedAt ? 'sink_deleted' : 'sink_disabled' });
        results.set(c.id, { kind: 'skipped' });
        continue;
      }
      results.set(c.id, {
        kind: 'claimed',
        claim: { attempt: c.attempts, sink: { id: sink.id, kind: sink.kind, config: sink.config as Record<string, unknown> }, event: toEventRecord(event) },
      });
    }
    for (const s of skipped) {
      await tx.delivery.update({ where: { id: s.id }, data: { state: 'skipped', lastErrorCode: s.code, finishedAt: new Date(), updatedAt: new Date() } });
    }
    return group.map((g) => results.get(g.deliveryId) ?? { kind: 'finished' });
  }

  async #record(tx: Tx, tenantId: string, group: (Ref & { record: AttemptRecord })[]): Promise<void[]> {
    const rows = group.map(({ deliveryId, record }) => {
      const { outcome, next } = record;
      const failure = outcome.kind === 'delivered' ? undefined : outcome;
      return { deliveryId, record, outcome, next, failure, message: failure?.message.slice(0, MAX_MESSAGE) ?? null };
    });
    await tx.deliveryAttempt.createMany({
      data: rows.map(({ deliveryId, record, outcome, failure, message }) => ({
        id: randomUUID(),
        tenantId,
        deliveryId,
        attempt: record.attempt,
        startedAt: record.startedAt,
        durationMs: record.durationMs,
        outcome: outcome.kind,
        statusCode: outcome.status ?? null,
        errorCode: failure?.reason ?? null,
        errorMessage: message,
        responseBody: outcome.body ?? null,
      })),
    });
    // One statement for the whole group: each row's new state from parallel arrays.
    await tx.$executeRaw`
      UPDATE delivery d
         SET state = v.state, last_status = v.status, last_error_code = v.code, last_error = v.message, updated_at = now(),
             next_attempt_at = coalesce(v.next_at, d.next_attempt_at),
             finished_at = CASE WHEN v.state = 'retrying' THEN NULL ELSE now() END
        FROM unnest(${rows.map((r) => r.deliveryId)}::uuid[], ${rows.map((r) => r.next.state)}::text[],
                    ${rows.map((r) => r.outcome.status ?? null)}::int[], ${rows.map((r) => r.failure?.reason ?? null)}::text[],
                    ${rows.map((r) => r.message)}::text[], ${rows.map((r) => (r.next.state === 'retrying' ? r.next.at.toISOString() : null))}::timestamptz[])
             AS v(id, state, status, code, message, next_at)
       WHERE d.id = v.id`;
    return group.map(() => undefined);
  }
}
