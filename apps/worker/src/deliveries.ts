import { randomUUID } from 'node:crypto';
import { committing, GroupCommit, lastStatement, pipelined, setTenantSql, AUDIT_EVENT_COLUMNS, toEventRecord, type AuditEventRow, type Database, type SqlTx } from '@tocsin/db';
import type { EventRecord, Severity } from '@tocsin/catalog';
import type { Outcome } from '@tocsin/channels';
import { failingSinceSql, mayOpen, openBroken, sinkRuns, type BreakerOptions, type SinkRuns } from './breaker.js';
import type { RetryPolicies, RetryPolicy } from './retry-policy.js';

/** Longest error message kept in the attempt log and on the delivery. */
const MAX_MESSAGE = 1_000;

export interface Claimed {
  /** This attempt's number: it keeps counting across manual re-sends. */
  attempt: number;
  /** Attempts made before the last manual re-send (0 if none): automatic retries count from here. */
  attemptsAtRetry: number;
  /**
   * The sink as stored; `version` (its updated_at) tells a cached sender that it changed.
   * `ratePerSecond` is its own rate, null for its channel's.
   */
  sink: { id: string; channel: string; config: Record<string, unknown>; version: string; ratePerSecond: number | null };
  event: EventRecord;
  /** The round's retry policy, its deadline, and the Retry-After deferrals made so far. */
  retry: { policy: RetryPolicy; until: Date; deferrals: number };
}

/**
 * `held`: the sink is disabled (circuit open, 410 Gone, an admin), so the delivery waits for it
 * to be enabled, and the claim's attempt is given back. `skipped`: the sink was deleted.
 */
export type ClaimResult = { kind: 'claimed'; claim: Claimed } | { kind: 'finished' } | { kind: 'skipped' } | { kind: 'held' };

export interface AttemptRecord {
  sinkId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: Outcome;
  /**
   * delivered, retrying (with the next try's time; `deferred` when a Retry-After put it off
   * without counting), failed, or held (410 Gone: the sink is disabled with it).
   */
  next: { state: 'delivered' } | { state: 'retrying'; at: Date; deferred?: boolean } | { state: 'failed' } | { state: 'held' };
  /** The round's policy and deadline, stored with the first attempt of the round. */
  retry: { policy: RetryPolicy; until: Date };
}

/** What recording did to the sink: `opened` when this group of attempts disabled it. */
export interface RecordResult {
  opened?: 'circuit_open' | 'gone';
}

interface Ref {
  tenantId: string;
  deliveryId: string;
}

/** The breaker's bookkeeping, per sink of a group of attempts (breaker.ts). */
const runsOf = (group: { record: AttemptRecord }[]) =>
  sinkRuns(group.map(({ record }) => ({ sinkId: record.sinkId, delivered: record.outcome.kind === 'delivered', gone: record.next.state === 'held', at: record.startedAt })));

/** One job's part of a round: its claim, or the record of its attempt. */
type Op = (Ref & { op: 'claim' }) | (Ref & { op: 'record'; record: AttemptRecord });

/**
 * The worker's reads and writes of delivery state. Concurrent jobs share transactions (group
 * commit): one round holds the claims and the attempt records of all jobs that came meanwhile,
 * one statement each per tenant, both in one write.
 */
export class DeliveryStore {
  readonly #rounds: GroupCommit<Op, ClaimResult | RecordResult>;

  constructor(
    db: Database,
    private readonly leaseMs: number,
    private readonly policies: RetryPolicies,
    private readonly breaker: BreakerOptions,
  ) {
    this.#rounds = new GroupCommit((ops) => db.perTenant(ops, (tx, tenantId, group, last) => this.#round(tx, tenantId, group, last)), { lanes: 2, maxBatch: 1000 });
  }

  /**
   * Takes a delivery for one try: counts the attempt and sets a lease (the relay re-enqueues the
   * row if the lease runs out, e.g. when this worker dies). A delivery that is already finished,
   * or in flight under a lease that has not run out, is left alone (`finished`), so a second job
   * naming it — a batch job and the relay's, or a job re-run after its lock was lost while the
   * first run still sends — never sends it twice. A sink deleted since ingest ends the delivery
   * as skipped; a disabled one holds it (without counting the attempt) until it is enabled.
   */
  claim(tenantId: string, deliveryId: string): Promise<ClaimResult> {
    return this.#rounds.submit({ op: 'claim', tenantId, deliveryId }) as Promise<ClaimResult>;
  }

  /**
   * Writes the attempt row and the delivery's new state, and feeds the circuit breaker: a
   * delivery ends the sink's failing run, a failure starts one, and a run longer than the
   * breaker's bound (or a 410) disables the sink (breaker.ts).
   */
  record(tenantId: string, deliveryId: string, record: AttemptRecord): Promise<RecordResult> {
    return this.#rounds.submit({ op: 'record', tenantId, deliveryId, record }) as Promise<RecordResult>;
  }

  /**
   * One tenant's part of a round: the records' statement, then the claims', queued together (one
   * write). The round's last tenant ends it: its last statement carries the COMMIT, unless the
   * breaker's check must follow (a sink failed).
   */
  async #round(tx: SqlTx, tenantId: string, group: Op[], last: boolean): Promise<(ClaimResult | RecordResult)[]> {
    const records = group.filter((o): o is Op & { op: 'record' } => o.op === 'record');
    const claims = group.filter((o) => o.op === 'claim');
    const runs = runsOf(records);
    const checks = mayOpen(runs);
    const recorded = records.length === 0 ? Promise.resolve([]) : this.#record(tx, tenantId, records, runs, last && claims.length === 0);
    const claimed = claims.length === 0 ? Promise.resolve([]) : this.#claim(tx, tenantId, claims, last && !checks);
    // Both statements are on their way; should one fail, the other fails with the transaction.
    const [r, c] = await Promise.allSettled([recorded, claimed]);
    if (r.status === 'rejected') throw r.reason;
    if (c.status === 'rejected') throw c.reason;
    const results = new Map<Op, ClaimResult | RecordResult>();
    records.forEach((o, i) => results.set(o, r.value[i]!));
    claims.forEach((o, i) => results.set(o, c.value[i]!));
    return group.map((o) => results.get(o)!);
  }

  /**
   * `ends`: the claim is the round's last statement and carries its COMMIT. Its skipped and held
   * deliveries, known only from the claim's answer, are then settled by a transaction of their
   * own (rare: a sink deleted or disabled since ingest); should the worker die in between, the
   * claim's lease runs out and the next claim settles them.
   */
  async #claim(tx: SqlTx, tenantId: string, group: Ref[], ends: boolean): Promise<ClaimResult[]> {
    // One statement (one round trip): the claim, and each claimed delivery's sink and event. A
    // sink or event that is gone leaves its columns null. A sink's config comes once, on the
    // first of its rows: a batch job's thousand deliveries share one sink.
    const { rows: claimed } = await lastStatement<
      Omit<AuditEventRow, 'id'> & {
        id: string | null;
        delivery_id: string;
        attempts: number;
        attempts_at_retry: number;
        sink_id: string;
        deferrals: number;
        retry_policy: RetryPolicy | null;
        retry_until: Date | null;
        sink_channel: string | null;
        sink_config: Record<string, unknown> | null;
        sink_version: string;
        sink_enabled: boolean;
        sink_deleted: boolean;
        sink_rate: number | null;
      }
    >(tx, {
      text: `WITH claimed AS (
         UPDATE delivery SET state = 'in_flight', attempts = attempts + 1, updated_at = now(),
                next_attempt_at = now() + make_interval(secs => $2::float8)
          WHERE id = ANY($1::uuid[])
            AND (state IN ('pending', 'retrying') OR (state = 'in_flight' AND updated_at <= now() - make_interval(secs => $2::float8)))
         RETURNING id, attempts, attempts_at_retry, event_id, sink_id, deferrals, retry_policy, retry_until
       )
       SELECT c.id AS delivery_id, c.attempts, c.attempts_at_retry, c.sink_id, c.deferrals, c.retry_policy, c.retry_until,
              s.channel AS sink_channel, s.updated_at::text AS sink_version,
              CASE WHEN row_number() OVER (PARTITION BY c.sink_id) = 1 THEN s.config END AS sink_config, s.enabled AS sink_enabled,
              s.deleted_at IS NOT NULL AS sink_deleted, s.rate_per_second AS sink_rate, e.*
         FROM claimed c
         LEFT JOIN event_sink s ON s.id = c.sink_id
         LEFT JOIN LATERAL (SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event WHERE tenant_id = $3::uuid AND id = c.event_id) e ON true`,
      values: [group.map((g) => g.deliveryId), this.leaseMs / 1000, tenantId],
    }, ends);
    if (claimed.length === 0) return group.map(() => ({ kind: 'finished' }));

    const results = new Map<string, ClaimResult>();
    const skipped: { id: string; code: string }[] = [];
    const held: string[] = [];
    const now = Date.now();
    const configs = new Map(claimed.flatMap((c) => (c.sink_config === null ? [] : [[c.sink_id, c.sink_config] as const])));
    for (const c of claimed) {
      if (c.sink_channel === null || c.sink_deleted || c.id === null) {
        skipped.push({ id: c.delivery_id, code: 'sink_deleted' });
        results.set(c.delivery_id, { kind: 'skipped' });
        continue;
      }
      if (!c.sink_enabled) {
        held.push(c.delivery_id);
        results.set(c.delivery_id, { kind: 'held' });
        continue;
      }
      const policy = c.retry_policy ?? this.policies[c.severity as Severity];
      results.set(c.delivery_id, {
        kind: 'claimed',
        claim: {
          attempt: c.attempts,
          attemptsAtRetry: c.attempts_at_retry,
          sink: { id: c.sink_id, channel: c.sink_channel, config: configs.get(c.sink_id)!, version: c.sink_version, ratePerSecond: c.sink_rate },
          event: toEventRecord({ ...c, id: c.id }),
          // The window starts at the round's first attempt, so a backlog never eats it.
          retry: { policy, until: c.retry_until ?? new Date(now + policy.window_ms), deferrals: c.deferrals },
        },
      });
    }
    if (skipped.length > 0 || held.length > 0) {
      // A held delivery was not sent: the claim's attempt is given back.
      const settle = {
        text: `WITH skipped AS (
           UPDATE delivery d SET state = 'skipped', last_error_code = v.code, finished_at = now(), updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS v(id, code) WHERE d.id = v.id
         )
         UPDATE delivery SET state = 'held', attempts = attempts - 1, updated_at = now() WHERE id = ANY($3::uuid[])`,
        values: [skipped.map((x) => x.id), skipped.map((x) => x.code), held],
      };
      if (ends) await pipelined(tx, `BEGIN; ${setTenantSql(tx, tenantId)}`, () => committing(tx, settle));
      else await tx.query(settle);
    }
    // Two jobs naming one delivery can meet in one round: the first gets the claim, the other
    // finds it taken, as it would a round later.
    return group.map((g) => {
      const result = results.get(g.deliveryId) ?? { kind: 'finished' };
      results.delete(g.deliveryId);
      return result;
    });
  }

  /** `runs`: the group's breaker bookkeeping. `ends`: the statement is the round's last; it carries the COMMIT when no breaker check must follow it. */
  async #record(tx: SqlTx, tenantId: string, group: (Ref & { record: AttemptRecord })[], runs: SinkRuns, ends: boolean): Promise<RecordResult[]> {
    const rows = group.map(({ deliveryId, record }) => {
      const failure = record.outcome.kind === 'delivered' ? undefined : record.outcome;
      return { deliveryId, record, failure, message: failure?.message.slice(0, MAX_MESSAGE) ?? null };
    });
    // One statement for the three tables and the whole group (one round trip), each row's values
    // from parallel arrays; the delivery's update reads its id, status, code and message from the
    // attempt's.
    await lastStatement(tx, {
      text: `WITH breaker AS (${failingSinceSql('$17', '$18', '$19')}),
       attempt AS (
         INSERT INTO delivery_attempt (id, tenant_id, delivery_id, attempt, started_at, duration_ms, outcome, status_code, error_code, error_message, response_body)
         SELECT a.id, $1::uuid, a.delivery_id, a.attempt, a.started_at, a.duration_ms, a.outcome, a.status_code, a.error_code, a.error_message, a.response_body
           FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[])
             AS a(id, delivery_id, attempt, started_at, duration_ms, outcome, status_code, error_code, error_message, response_body)
       )
       UPDATE delivery d
          SET state = v.state, last_status = v.status, last_error_code = v.code, last_error = v.message, updated_at = now(),
              next_attempt_at = coalesce(v.next_at, d.next_attempt_at),
              finished_at = CASE WHEN v.state IN ('retrying', 'held') THEN NULL ELSE now() END,
              deferrals = d.deferrals + v.deferred,
              retry_policy = coalesce(d.retry_policy, v.policy),
              retry_until = coalesce(d.retry_until, v.until)
         FROM unnest($3::uuid[], $12::text[], $8::int[], $9::text[], $10::text[], $13::timestamptz[], $14::int[], $15::jsonb[], $16::timestamptz[])
           AS v(id, state, status, code, message, next_at, deferred, policy, until)
        WHERE d.id = v.id`,
      values: [
        tenantId,
        rows.map(() => randomUUID()),
        rows.map((r) => r.deliveryId),
        rows.map((r) => r.record.attempt),
        rows.map((r) => r.record.startedAt.toISOString()),
        rows.map((r) => r.record.durationMs),
        rows.map((r) => r.record.outcome.kind),
        rows.map((r) => r.record.outcome.status ?? null),
        rows.map((r) => r.failure?.reason ?? null),
        rows.map((r) => r.message),
        rows.map((r) => r.record.outcome.body ?? null),
        rows.map((r) => r.record.next.state),
        rows.map((r) => (r.record.next.state === 'retrying' ? r.record.next.at.toISOString() : null)),
        rows.map((r) => (r.record.next.state === 'retrying' && r.record.next.deferred ? 1 : 0)),
        rows.map((r) => JSON.stringify(r.record.retry.policy)),
        rows.map((r) => r.record.retry.until.toISOString()),
        runs.ids,
        runs.ok,
        runs.at,
      ],
    }, ends && !mayOpen(runs));
    const opened = await openBroken(tx, tenantId, runs, this.breaker);
    return group.map(({ record }) => {
      const reason = opened.get(record.sinkId);
      return reason === undefined ? {} : { opened: reason };
    });
  }
}
