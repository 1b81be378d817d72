import { randomUUID } from 'node:crypto';
import { effectiveSeverity, lookupAction, recordLevel, type CatalogEntry, type Level, type Severity } from '@tocsin/catalog';
import { FORWARD_DEBUG_FIELD, sinkTakes } from '@tocsin/channels';
import { GroupCommit, indexesByTenant, isDatabaseUnavailable, ItemFailure, lastStatement, pipelined, setTenantSql, type Database, type SqlTx } from '@tocsin/db';
import type { DueDelivery, Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import { ApiError } from '../errors.js';
import { TtlCache } from '../ttl-cache.js';
import type { SinkCache, SinkRow } from '../sinks/cache.js';
import type { EventInput } from './schema.js';
import { isRefusedData, refusedError } from './refused.js';

/**
 * Longest an ingest transaction may run before it commits. The Events API declares a window
 * complete once its end is TOCSIN_EVENTS_SETTLE_MS (10 s) in the past, because received_at is a
 * transaction's start: a transaction that commits later than that could add rows to a window a
 * client has already closed. So a slower one rolls back instead, and its callers get an error
 * (nothing was accepted) rather than a 202.
 */
export const INGEST_TX_MAX_MS = 5_000;

class TooSlow extends ApiError {
  constructor() {
    super(503, 'unavailable', 'Storing the events took too long; nothing was stored. Retry later.', [], { 'Retry-After': '5' });
  }
}
const QUERY_CANCELED = '57014';

/** How long a tenant whose data PostgreSQL refused is written first in shared transactions. */
export const REFUSED_MEMORY_MS = 60_000;

export interface IngestResult {
  id: string;
  action: string;
  category: string | null;
  severity: Severity;
  level: Level | null;
  catalog: boolean;
  deliveries: number;
  /** True when an event with this id was already stored: nothing was stored or delivered again. */
  duplicate: boolean;
}

interface Prepared {
  input: EventInput;
  id: string;
  entry: CatalogEntry | undefined;
  severity: Severity;
  level: Level | null;
}

/** One request's events, as they wait for a shared transaction. */
interface Submission {
  tenantId: string;
  events: Prepared[];
  receivedAt: Date;
}

interface DeliveryRow {
  id: string;
  eventId: string;
  sinkId: string;
  channel: string;
}

interface Stored {
  /** The events this submission stored (the first carrier of each new id); the rest are duplicates. */
  stored: Set<Prepared>;
  deliveries: DueDelivery[];
  perEvent: Map<string, number>;
}

function prepare(input: EventInput): Prepared {
  const entry = lookupAction(input.action);
  return {
    input,
    id: input.id ?? randomUUID(),
    entry,
    severity: effectiveSeverity(entry, input.severity?.severity),
    level: recordLevel(entry, input.severity),
  };
}

export interface IngestDeps {
  db: Database;
  cache: SinkCache;
  producer: Producer;
  logger: Logger;
  /** Delay before the relay treats a pending delivery as its own (the api enqueues it first). */
  relayGraceMs: number;
}

/**
 * Stores events and their deliveries, then enqueues. `ingest` resolves only after the transaction
 * holding the events has committed, so the caller's 202 always means "stored". Concurrent
 * requests share transactions (group commit): commits, not rows, are what PostgreSQL spends
 * its time on. Enqueueing happens after the commit and is not awaited: if Redis is slow or down
 * the producer is not held up, and the relay enqueues later.
 */
export class Ingestor {
  readonly #commit: GroupCommit<Submission, Stored>;
  /** Enqueues coalesce the same way: one Redis pipeline per round, not one per request. */
  readonly #enqueue: GroupCommit<DueDelivery[], void>;
  /** Enqueues not yet finished, for `drain`. */
  readonly #enqueuing = new Set<Promise<void>>();
  /** Tenants whose data PostgreSQL refused in the last REFUSED_MEMORY_MS (see #flush). */
  readonly #refused = new TtlCache<string, true>(REFUSED_MEMORY_MS);

  constructor(private readonly deps: IngestDeps) {
    this.#commit = new GroupCommit((batch) => this.#flush(batch), {
      // Two transactions in flight: a third one's submissions do better waiting to join the next
      // (more events per commit, fewer round trips per event; bench/ingest.ts read 1,000 req/s
      // with four lanes and 1,350 with two).
      lanes: 2,
      maxBatch: 64,
      // An outage or an overloaded database fails everyone; retrying each submission alone would
      // only add load. Any other failure of a whole transaction retries each submission alone once.
      sharedFailure: (err) => err instanceof TooSlow || isDatabaseUnavailable(err),
    });
    this.#enqueue = new GroupCommit<DueDelivery[], void>(async (lists) => {
      await deps.producer.enqueue(lists.flat());
      return lists.map(() => undefined);
    }, { lanes: 2, maxBatch: 100 });
  }

  async ingest(tenantId: string, inputs: EventInput[]): Promise<IngestResult[]> {
    const events = inputs.map(prepare);
    const stored = await this.#commit.submit({ tenantId, events, receivedAt: new Date() }).catch((err: unknown) => {
      throw refusedError(err, inputs.length) ?? err;
    });
    if (stored.deliveries.length > 0) {
      const enqueued = this.#enqueue
        .submit(stored.deliveries)
        .catch((err: unknown) => this.deps.logger.warn({ err, count: stored.deliveries.length }, 'enqueue failed; the relay will enqueue'));
      this.#enqueuing.add(enqueued);
      void enqueued.finally(() => this.#enqueuing.delete(enqueued));
    }
    return events.map((p) => ({
      id: p.id,
      action: p.entry?.action ?? p.input.action,
      category: p.entry?.category ?? null,
      severity: p.severity,
      level: p.level,
      catalog: p.entry !== undefined,
      deliveries: stored.stored.has(p) ? (stored.perEvent.get(p.id) ?? 0) : 0,
      duplicate: !stored.stored.has(p),
    }));
  }

  /** Resolves once every enqueue started so far has finished or failed: a short-lived process (the CLI) waits for it before it closes Redis. */
  async drain(): Promise<void> {
    await Promise.all([...this.#enqueuing]);
  }

  /**
   * One transaction for a batch of submissions. Each tenant's submissions are written together, by
   * one statement per tenant per batch, not per request, since every statement costs a round
   * trip: a batch of one tenant is one (BEGIN with the tenant's setting, the statement and COMMIT
   * go out together); of several, one a tenant (COMMIT goes with the last one, as below). An event
   * id that appears twice is stored once; the later submission sees a duplicate.
   *
   * Each tenant's statement runs behind a savepoint, so data PostgreSQL refuses (a NUL character,
   * a timestamp out of its range) rolls back that tenant's part only: the other tenants' rows
   * commit in this same transaction. The refused part's submissions are answered as failed: alone
   * if there was one, else each is retried alone once (see GroupCommit), which finds the bad one.
   *
   * The last tenant's statement carries the COMMIT, saving a round trip, unless PostgreSQL refused
   * that tenant's data lately: sent with the COMMIT, a refused statement rolls back every tenant's
   * part, and each submission of the batch is then retried alone once. So tenants refused lately
   * are written first (a batch of them only sends COMMIT after the last one's answer), and a
   * tenant whose bad events keep coming costs the others a retry once, not on every batch.
   */
  #flush(batch: Submission[]): Promise<(Stored | ItemFailure)[]> {
    const refused = (tenantId: string) => this.#refused.peek(tenantId) === true;
    // Stable: tenants keep their order of first appearance within each group.
    const tenants = [...indexesByTenant(batch)].sort(([x], [y]) => Number(refused(y)) - Number(refused(x)));
    const commitWithLast = tenants.length === 1 || !refused(tenants.at(-1)![0]);
    // A stuck statement is cancelled, and the last one gets what remains of the budget: that
    // bounds the whole transaction. Set before the first savepoint, so no rollback to one undoes
    // it. The first tenant's savepoint and setting go with BEGIN.
    const opening = `SET LOCAL statement_timeout = ${INGEST_TX_MAX_MS}; SAVEPOINT tenant; `;
    return this.deps.db.sql((tx) => this.#store(tx, batch, tenants, commitWithLast), tenants[0]![0], opening);
  }

  async #store(tx: SqlTx, batch: Submission[], tenants: [string, number[]][], commitWithLast: boolean): Promise<(Stored | ItemFailure)[]> {
    const deadline = Date.now() + INGEST_TX_MAX_MS;
    const out = new Array<Stored | ItemFailure>(batch.length);
    for (const [n, [tenantId, indexes]] of tenants.entries()) {
      // The savepoint and the tenant go out with the tenant's statement, in its round trip (the
      // first tenant's came with BEGIN). The savepoint is not released (a release costs a round
      // trip and changes nothing: its writes commit with the transaction either way); the next one
      // shadows it by name. A rollback to it also restores the previous tenant setting, which the
      // next tenant replaces. maxBatch bounds the savepoints, keeping a transaction's
      // subtransactions within PostgreSQL's cache of 64. The id is a tenant id from
      // authentication, quoted by the driver.
      const savepoint = n === 0 ? undefined : `SAVEPOINT tenant; ${setTenantSql(tx, tenantId)}`;
      const last = n === tenants.length - 1 ? { deadline, commit: commitWithLast } : undefined;
      const store = () => this.#storeTenant(tx, tenantId, indexes.map((i) => batch[i]!), last);
      try {
        const results = savepoint === undefined ? await store() : await pipelined(tx, savepoint, store);
        indexes.forEach((itemIndex, k) => (out[itemIndex] = results[k]!));
      } catch (err) {
        if ((err as { code?: string }).code === QUERY_CANCELED || err instanceof TooSlow) throw new TooSlow();
        // Anything else than refused data (a lost connection, a bug) fails the whole transaction.
        if (!isRefusedData(err)) throw err;
        this.#refused.set(tenantId, true);
        // Sent with the COMMIT, the statement's failure has rolled back every tenant's part.
        if (last?.commit && tenants.length > 1) throw err;
        const failure = new ItemFailure(err, indexes.length === 1);
        for (const i of indexes) out[i] = failure;
        // Alone with its COMMIT, the statement's failure has ended the transaction already.
        if (!last?.commit) await tx.query('ROLLBACK TO SAVEPOINT tenant');
      }
    }
    return out;
  }

  /**
   * One tenant's part: the events and their deliveries, one statement. The transaction's `last`
   * gets what remains until its deadline as its timeout, and carries the COMMIT if told to. Sent
   * in the caller's write (BEGIN's or the savepoint's) when the tenant's sinks are cached; a miss
   * loads them first, a round trip of its own.
   */
  async #storeTenant(tx: SqlTx, tenantId: string, submissions: Submission[], last?: { deadline: number; commit: boolean }): Promise<Stored[]> {
    const sinks =
      this.deps.cache.peek(tenantId) ??
      (await this.deps.cache.get(tenantId, async () => {
        const { rows } = await tx.query<SinkRow>(
          `SELECT id, channel, events, min_severity AS "minSeverity", COALESCE((config ->> $2)::boolean, false) AS "forwardDebug"
             FROM event_sink WHERE tenant_id = $1 AND enabled AND deleted_at IS NULL`,
          [tenantId, FORWARD_DEBUG_FIELD],
        );
        return rows;
      }));
    const events = submissions.flatMap((s) => s.events.map((e) => ({ ...e, occurredAt: e.input.occurred_at ?? s.receivedAt.toISOString() })));
    // The deliveries an event would have, for the first carrier of each id (a later one is a
    // duplicate): the statement writes those of the events it stores.
    const candidates = new Map<Prepared, DeliveryRow[]>();
    const ids = new Set<string>();
    for (const p of submissions.flatMap((s) => s.events)) {
      if (ids.has(p.id)) continue;
      ids.add(p.id);
      candidates.set(p, sinks.filter((sink) => sinkTakes(sink, p)).map((sink) => ({ id: randomUUID(), eventId: p.id, sinkId: sink.id, channel: sink.channel })));
    }
    const all = [...candidates.values()].flat();
    // Set-based SQL, one statement: the events, and the deliveries of those it stored.
    // A party sent in part keeps the record's shape: every key present, the missing ones null.
    const party = (p: EventInput['actor']) => (p === undefined ? null : JSON.stringify({ id: p.id ?? null, type: p.type ?? null, name: p.name ?? null }));
    const insert = (text: string, values: unknown[]) => {
      if (last === undefined) return tx.query<{ id: string }>(text, values);
      const remaining = last.deadline - Date.now();
      if (remaining <= 0) throw new TooSlow();
      return pipelined(tx, `SET LOCAL statement_timeout = ${remaining}`, () => lastStatement<{ id: string }>(tx, { text, values }, last.commit));
    };
    const { rows: created } = await insert(
      `WITH created AS (
         INSERT INTO audit_event (tenant_id, id, action, title, category, severity, level, catalog, actor, resource, source_ip, detail, occurred_at)
         SELECT $1::uuid, e.* FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[],
                                          $9::jsonb[], $10::jsonb[], $11::inet[], $12::jsonb[], $13::timestamptz[]) AS e
         ON CONFLICT (tenant_id, id) DO NOTHING
         RETURNING id
       ), deliveries AS (
         INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, next_attempt_at)
         SELECT d.id, $1::uuid, d.event_id, d.sink_id, d.channel, $14::timestamptz
           FROM unnest($15::uuid[], $16::uuid[], $17::uuid[], $18::text[]) AS d(id, event_id, sink_id, channel)
          WHERE d.event_id IN (SELECT id FROM created)
       )
       SELECT id FROM created`,
      [
        tenantId,
        events.map((p) => p.id),
        events.map((p) => p.entry?.action ?? p.input.action),
        events.map((p) => p.entry?.title ?? p.input.title ?? p.input.action),
        events.map((p) => p.entry?.category ?? null),
        events.map((p) => p.severity),
        events.map((p) => p.level),
        events.map((p) => p.entry !== undefined),
        events.map((p) => party(p.input.actor)),
        events.map((p) => party(p.input.resource)),
        events.map((p) => p.input.source_ip ?? null),
        events.map((p) => JSON.stringify(p.input.detail ?? {})),
        events.map((p) => p.occurredAt),
        new Date(Date.now() + this.deps.relayGraceMs),
        all.map((r) => r.id),
        all.map((r) => r.eventId),
        all.map((r) => r.sinkId),
        all.map((r) => r.channel),
      ],
    );
    // Each newly stored id belongs to the first event that carried it, in this batch or request.
    const unclaimed = new Set(created.map((e) => e.id));
    const perSubmission = submissions.map((s) => {
      const stored = new Set(s.events.filter((p) => unclaimed.delete(p.id)));
      return { stored, rows: [...stored].flatMap((p) => candidates.get(p)!) };
    });
    return perSubmission.map(({ stored, rows: mine }) => {
      const perEvent = new Map<string, number>();
      for (const d of mine) perEvent.set(d.eventId, (perEvent.get(d.eventId) ?? 0) + 1);
      return { stored, perEvent, deliveries: mine.map((d) => ({ id: d.id, tenantId, channel: d.channel, sinkId: d.sinkId })) };
    });
  }
}
