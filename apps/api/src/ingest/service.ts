import { randomUUID } from 'node:crypto';
import { atLeast, effectiveSeverity, lookupAction, type CatalogEntry, type Severity } from '@tocsin/catalog';
import { channels } from '@tocsin/channels';
import { GroupCommit, setTenant, type Database, type Tx } from '@tocsin/db';
import type { DueDelivery, Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import type { SinkCache, SinkRow } from '../sinks/cache.js';
import type { EventInput } from './schema.js';

export interface IngestResult {
  id: string;
  action: string;
  category: string | null;
  severity: Severity;
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
}

/** One request's events, as they wait for a shared transaction. */
interface Submission {
  tenantId: string;
  events: Prepared[];
  receivedAt: Date;
}

interface Stored {
  inserted: Set<string>;
  deliveries: DueDelivery[];
  perEvent: Map<string, number>;
}

/** Does this sink take this event? The sink's own filter, or a rule of its kind (e.g. SIEM + critical). */
function matches(sink: SinkRow, event: Prepared): boolean {
  const channel = channels[sink.kind as keyof typeof channels];
  if (!channel) return false;
  if (channel.takesAlso?.({ severity: event.severity })) return true;
  if (!event.entry?.push) return false;
  const listed = sink.events.includes('*') || sink.events.includes(event.entry.constant);
  return listed && atLeast(event.severity, sink.minSeverity as Severity);
}

function prepare(input: EventInput): Prepared {
  const entry = lookupAction(input.action);
  return { input, id: input.id ?? randomUUID(), entry, severity: effectiveSeverity(entry, input.severity) };
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

  constructor(private readonly deps: IngestDeps) {
    this.#commit = new GroupCommit((batch) => deps.db.transaction((tx) => this.#store(tx, batch), { timeoutMs: 5_000 }), { lanes: 4, maxBatch: 64 });
  }

  async ingest(tenantId: string, inputs: EventInput[]): Promise<IngestResult[]> {
    const events = inputs.map(prepare);
    const stored = await this.#commit.submit({ tenantId, events, receivedAt: new Date() });
    if (stored.deliveries.length > 0) {
      this.deps.producer
        .enqueue(stored.deliveries)
        .catch((err: unknown) => this.deps.logger.warn({ err, count: stored.deliveries.length }, 'enqueue failed; the relay will enqueue'));
    }
    return events.map((p) => ({
      id: p.id,
      action: p.entry?.action ?? p.input.action,
      category: p.entry?.category ?? null,
      severity: p.severity,
      catalog: p.entry !== undefined,
      deliveries: stored.perEvent.get(p.id) ?? 0,
      duplicate: !stored.inserted.has(p.id),
    }));
  }

  /** One transaction for a batch of submissions, tenant by tenant. */
  async #store(tx: Tx, batch: Submission[]): Promise<Stored[]> {
    const results: Stored[] = [];
    for (const submission of batch) {
      await setTenant(tx, submission.tenantId);
      results.push(await this.#storeOne(tx, submission));
    }
    return results;
  }

  async #storeOne(tx: Tx, { tenantId, events, receivedAt }: Submission): Promise<Stored> {
    const sinks = await this.deps.cache.get(tenantId, tx);
    // Set-based SQL (one statement for all events, one for all deliveries): on the hot path,
    // raw statements spare the query compiler the planning Prisma's typed API would cost per call.
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    const created = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO audit_event (tenant_id, id, action, title, category, severity, catalog, actor, resource, source_ip, detail, occurred_at)
      SELECT ${tenantId}::uuid, e.* FROM unnest(
        ${events.map((p) => p.id)}::uuid[],
        ${events.map((p) => p.entry?.action ?? p.input.action)}::text[],
        ${events.map((p) => p.entry?.title ?? p.input.title ?? p.input.action)}::text[],
        ${events.map((p) => p.entry?.category ?? null)}::text[],
        ${events.map((p) => p.severity)}::text[],
        ${events.map((p) => p.entry !== undefined)}::bool[],
        ${events.map((p) => json(p.input.actor))}::jsonb[],
        ${events.map((p) => json(p.input.resource))}::jsonb[],
        ${events.map((p) => p.input.source_ip ?? null)}::inet[],
        ${events.map((p) => JSON.stringify(p.input.detail ?? {}))}::jsonb[],
        ${events.map((p) => p.input.occurred_at ?? receivedAt.toISOString())}::timestamptz[]
      ) AS e
      ON CONFLICT (tenant_id, id) DO NOTHING
      RETURNING id`;
    const inserted = new Set(created.map((e) => e.id));
    const due = new Date(Date.now() + this.deps.relayGraceMs);
    const rows = events
      .filter((p) => inserted.has(p.id))
      .flatMap((p) => sinks.filter((s) => matches(s, p)).map((s) => ({ id: randomUUID(), eventId: p.id, sinkId: s.id, kind: s.kind })));
    if (rows.length > 0) {
      await tx.$executeRaw`
        INSERT INTO delivery (id, tenant_id, event_id, sink_id, kind, next_attempt_at)
        SELECT d.id, ${tenantId}::uuid, d.event_id, d.sink_id, d.kind, ${due} FROM unnest(
          ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.eventId)}::uuid[], ${rows.map((r) => r.sinkId)}::uuid[], ${rows.map((r) => r.kind)}::text[]
        ) AS d(id, event_id, sink_id, kind)`;
    }
    const perEvent = new Map<string, number>();
    for (const d of rows) perEvent.set(d.eventId, (perEvent.get(d.eventId) ?? 0) + 1);
    return { inserted, perEvent, deliveries: rows.map((d) => ({ id: d.id, tenantId, kind: d.kind })) };
  }
}
