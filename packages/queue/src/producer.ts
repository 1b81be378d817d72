import type { JobsOptions, Queue } from 'bullmq';
import { channelById } from '@tocsin/channels';
import type { QueueStore } from './store.js';
import { FairShare } from './fair-share.js';
import { queueName } from './names.js';
import { singleJobId, type BatchJobData, type DueDelivery, type JobData } from './job.js';

/** Out of reach, and still a PostgreSQL integer: BullMQ's PostgreSQL backend stores attempts as one. */
const MAX_ATTEMPTS = 2 ** 31 - 1;

/**
 * Adds delivery jobs to their channel's queue, on whichever store runs the queues. The store fails
 * fast, so an outage costs the caller an error, never a hang. Callers treat failure as "the relay
 * will do it": PostgreSQL already holds the delivery.
 */
export class Producer {
  readonly #queues = new Map<string, Queue>();
  readonly #jobOptions: JobsOptions;
  /** Job priorities by each tenant's recent volume, so a backlog of one never delays another. */
  readonly #shares = new FairShare();

  constructor(readonly store: QueueStore) {
    this.#jobOptions = {
      // Finality is decided from PostgreSQL's attempt count (a job rebuilt by the relay starts
      // BullMQ's count afresh). BullMQ must never fail a job on its own: a failed job keeps its id,
      // and the relay could not enqueue that delivery again. So its limit is out of reach; an
      // infrastructure error (database down) simply retries with the default backoff.
      attempts: MAX_ATTEMPTS,
      backoff: { type: 'tocsin' },
      // PostgreSQL is the record; Redis keeps a window of finished jobs for the dashboard.
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    };
  }

  queue(channelId: string): Queue {
    let q = this.#queues.get(channelId);
    if (!q) {
      q = this.store.queue(queueName(channelId));
      q.on('error', () => undefined);
      this.#queues.set(channelId, q);
    }
    return q;
  }

  /**
   * Adds each delivery to its channel's queue: one job per delivery, or, for a batching channel,
   * one job per sink and `batch.maxEvents` deliveries.
   */
  async enqueue(deliveries: DueDelivery[]): Promise<void> {
    const byChannel = groupBy(deliveries, (d) => d.channel);
    await Promise.all(
      [...byChannel].map(([channelId, list]) => {
        const batchSize = channelById(channelId)?.batch?.maxEvents;
        const jobs = batchSize === undefined ? list.map((d) => this.#single(channelId, d)) : [...groupBy(list, (d) => `${d.tenantId}/${d.sinkId}`).values()].flatMap((ofSink) => this.#batches(channelId, ofSink, batchSize));
        return this.queue(channelId).addBulk(jobs);
      }),
    );
  }

  /**
   * The relay's enqueue: like {@link enqueue}, but a one-delivery job that BullMQ has already
   * finished (completed or failed) under the same id is removed first, or the add would be a
   * no-op. PostgreSQL says the delivery is due, so such a job is stale: e.g. a job re-run after
   * its worker crashed found the dead worker's claim still leased and completed without sending,
   * or BullMQ failed it past its stall limit.
   */
  async requeue(deliveries: DueDelivery[]): Promise<void> {
    const single = deliveries.filter((d) => channelById(d.channel)?.batch === undefined);
    await Promise.all([...groupBy(single, (d) => d.channel)].map(([channelId, list]) => this.#dropFinished(channelId, list.map((d) => singleJobId(d)))));
    await this.enqueue(deliveries);
  }

  async #dropFinished(channelId: string, ids: string[]): Promise<void> {
    const queue = this.queue(channelId);
    // Sent together: Redis pipelines them on one connection, PostgreSQL spreads them over the pool.
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const finished = ids.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
    await Promise.all(finished.map((id) => queue.remove(id)));
  }

  /** Enqueues deliveries of one sink again after `delayMs`: the retry of a batch job's failures. */
  async enqueueLater(channelId: string, data: BatchJobData, delayMs: number): Promise<void> {
    await this.queue(channelId).add('deliver-batch', data, { ...this.#jobOptions, delay: delayMs, priority: this.#shares.priority(channelId, data.tenant_id, data.delivery_ids.length) });
  }

  #single(channelId: string, d: DueDelivery) {
    const opts = { ...this.#jobOptions, jobId: singleJobId(d), priority: this.#shares.priority(channelId, d.tenantId) };
    return { name: 'deliver', data: { delivery_id: d.id, tenant_id: d.tenantId, sink_id: d.sinkId } satisfies JobData, opts };
  }

  #batches(channelId: string, ofSink: DueDelivery[], size: number) {
    const jobs = [];
    for (let i = 0; i < ofSink.length; i += size) {
      const part = ofSink.slice(i, i + size);
      const data: BatchJobData = { tenant_id: part[0]!.tenantId, sink_id: part[0]!.sinkId, delivery_ids: part.map((d) => d.id) };
      jobs.push({ name: 'deliver-batch', data, opts: { ...this.#jobOptions, priority: this.#shares.priority(channelId, data.tenant_id, part.length) } });
    }
    return jobs;
  }

  /** Closes its queues; the store is its owner's to close. */
  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
