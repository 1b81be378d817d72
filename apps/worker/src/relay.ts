import type { Database } from '@tocsin/db';
import type { Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import type { WorkerMetrics } from './metrics.js';
import { Periodic } from './periodic.js';

export interface RelayOptions {
  intervalMs: number;
  recheckMs: number;
  /** Rows claimed per round trip. @defaultValue 500 */
  batch?: number;
  /** The process's counters (metrics.ts). */
  metrics?: Pick<WorkerMetrics, 'relayEnqueued' | 'relayRounds'>;
}

/** Longest the relay's transaction may sit idle waiting for an enqueue (ms). */
export const RELAY_TX_IDLE_MS = 5_000;

/**
 * The outbox relay. Every `intervalMs` (and at start) it claims deliveries that are due —
 * pending past their grace, retrying past their time, in flight past their lease — and enqueues
 * them with jobId = delivery id, so a job waiting in Redis makes the add a no-op (a finished job
 * under that id is stale, and is replaced: see Producer.requeue). This is what
 * makes Redis disposable: after a flush or an outage the queue is rebuilt from PostgreSQL. Many
 * relays may run at once (the claim uses SKIP LOCKED).
 */
export class Relay {
  readonly #loop: Periodic;

  constructor(
    private readonly db: Database,
    private readonly producer: Producer,
    private readonly logger: Logger,
    private readonly options: RelayOptions,
  ) {
    this.#loop = new Periodic(options.intervalMs, () => this.runOnce().then(() => options.metrics?.relayRounds.inc({ outcome: 'ok' })), (err) => {
      options.metrics?.relayRounds.inc({ outcome: 'failed' });
      logger.warn({ err }, 'relay round failed');
    });
  }

  /** Runs a first pass now (so start-up surfaces a broken database at once), then every interval. */
  start(): Promise<void> {
    return this.#loop.start();
  }

  /** One pass: drains everything due, batch by batch. Returns how many were enqueued. */
  async runOnce(): Promise<number> {
    const batch = this.options.batch ?? 500;
    let total = 0;
    for (;;) {
      // Claim and enqueue in one transaction: if Redis refuses, the claim rolls back and the rows
      // stay due, so the next round (not the recheck interval) picks them up. An enqueue that
      // hangs must not hold the transaction open: it would hold back the Events API's barrier
      // (the server's oldest open transaction) for every tenant. PostgreSQL ends it after
      // RELAY_TX_IDLE_MS idle, and the round fails.
      const count = await this.db.sql(async (tx) => {
        const { rows: due } = await tx.query<{ id: string; tenant_id: string; channel: string; sink_id: string; manual_retries: number }>(
          'SELECT id, tenant_id, channel, sink_id, manual_retries FROM tocsin_claim_due_deliveries($1::int, make_interval(secs => $2::float8))',
          [batch, this.options.recheckMs / 1000],
        );
        if (due.length > 0) await this.producer.requeue(due.map((d) => ({ id: d.id, tenantId: d.tenant_id, channel: d.channel, sinkId: d.sink_id, round: d.manual_retries })));
        return due.length;
      }, undefined, `SET LOCAL idle_in_transaction_session_timeout = ${RELAY_TX_IDLE_MS};`);
      total += count;
      this.options.metrics?.relayEnqueued.inc(count);
      if (count > 0) this.logger.debug({ count }, 'relay enqueued');
      if (count < batch) return total;
    }
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
