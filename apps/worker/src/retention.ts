import { sqlSetTenant, type Database } from '@tocsin/db';
import type { Logger } from '@tocsin/config';
import { Periodic } from './periodic.js';

export interface RetentionOptions {
  intervalMs: number;
  /** Rows deleted per transaction. @defaultValue 5000 */
  batch?: number;
}

export interface RetentionPass {
  events: number;
  attempts: number;
}

/** Advisory lock class of the retention job; the second key is the tenant's. */
const RETENTION_LOCK = 72707371;
/** A delivery in one of these states is finished: nothing will send it again. */
const FINISHED = ['delivered', 'failed', 'skipped'];

/**
 * The retention job (docs/architecture.md, "Retention"): every `intervalMs` it deletes each
 * tenant's audit events older than its `event_retention_days` (their deliveries and attempts go
 * with them) and the attempts of finished deliveries older than `attempt_retention_days`.
 *
 * It never blocks ingest: each transaction deletes at most `batch` rows, oldest first, and takes
 * no lock that an insert waits for. An event with a delivery still under way (pending, retrying,
 * held) is kept until the delivery ends: retention never cancels a delivery. Every worker runs the
 * job; a tenant's batch is skipped by a worker while another holds its advisory lock.
 */
export class Retention {
  readonly #loop: Periodic;
  readonly #batch: number;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    options: RetentionOptions,
  ) {
    this.#batch = options.batch ?? 5_000;
    this.#loop = new Periodic(options.intervalMs, () => this.runOnce(), (err) => logger.warn({ err }, 'retention pass failed'));
  }

  /**
   * Starts the loop without waiting for its first pass: unlike the relay's, that pass may have a
   * long backlog to delete (a policy just shortened), and must not hold up the worker's start.
   */
  start(): void {
    void this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One pass over every tenant with a policy; `now` is the clock the periods count back from. */
  async runOnce(now = new Date()): Promise<RetentionPass> {
    const policies = await this.db.sql(async (tx) => {
      const { rows } = await tx.query<{ tenant_id: string; event_retention_days: number | null; attempt_retention_days: number | null }>(
        'SELECT tenant_id, event_retention_days, attempt_retention_days FROM tocsin_retention_policies()',
      );
      return rows;
    });
    const total: RetentionPass = { events: 0, attempts: 0 };
    for (const policy of policies) {
      const before = (days: number | null) => (days === null ? undefined : new Date(now.getTime() - days * 86_400_000));
      const events = await this.#drain(policy.tenant_id, before(policy.event_retention_days), DELETE_EVENTS);
      const attempts = await this.#drain(policy.tenant_id, before(policy.attempt_retention_days), DELETE_ATTEMPTS);
      if (events + attempts > 0) this.logger.info({ tenantId: policy.tenant_id, events, attempts }, 'retention: deleted records past the tenant’s retention period');
      total.events += events;
      total.attempts += attempts;
    }
    return total;
  }

  /** Deletes with `statement`, batch by batch, until fewer than a batch are left; returns how many. */
  async #drain(tenantId: string, cutoff: Date | undefined, statement: string): Promise<number> {
    if (!cutoff) return 0;
    let deleted = 0;
    for (;;) {
      const count = await this.db.sql(async (tx) => {
        const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [RETENTION_LOCK, tenantId]);
        if (!rows[0]!.locked) return -1; // another worker is on this tenant now
        await sqlSetTenant(tx, tenantId);
        return (await tx.query(statement, [tenantId, cutoff, this.#batch, FINISHED])).rowCount ?? 0;
      });
      if (count < 0) return deleted;
      deleted += count;
      if (count < this.#batch) return deleted;
    }
  }
}

/** Events received before the cutoff whose deliveries are all finished; the foreign keys cascade to deliveries and attempts. */
const DELETE_EVENTS = `
  WITH doomed AS (
    SELECT e.id FROM audit_event e
     WHERE e.tenant_id = $1 AND e.received_at < $2
       AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.tenant_id = e.tenant_id AND d.event_id = e.id AND d.state <> ALL ($4::text[]))
     ORDER BY e.received_at
     LIMIT $3)
  DELETE FROM audit_event e USING doomed WHERE e.tenant_id = $1 AND e.id = doomed.id`;

/** Attempts started before the cutoff, of finished deliveries. */
const DELETE_ATTEMPTS = `
  WITH doomed AS (
    SELECT a.id FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
     WHERE a.tenant_id = $1 AND a.started_at < $2 AND d.state = ANY ($4::text[])
     ORDER BY a.started_at
     LIMIT $3)
  DELETE FROM delivery_attempt a USING doomed WHERE a.id = doomed.id`;
