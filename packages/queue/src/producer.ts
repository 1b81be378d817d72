import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { channelById } from '@tocsin/channels';
import { queueName } from './names.js';
import { singleJobId, type BatchJobData, type DueDelivery, type JobData } from './job.js';

export interface ProducerOptions {
  redisUrl: string;
  prefix: string;
}

/**
 * Adds delivery jobs to their channel's queue. Built to fail fast: no offline queue and one retry
 * per command, so a Redis outage costs the caller an error, never a hang. Callers treat failure as
 * "the relay will do it" — PostgreSQL already holds the delivery.
 */
export class Producer {
  readonly connection: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #jobOptions: JobsOptions;

  constructor(readonly options: ProducerOptions) {
    this.connection = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      lazyConnect: false,
    });
    this.connection.on('error', () => undefined); // reported through failed enqueues, not crashes
    this.#jobOptions = {
      // Finality is decided from PostgreSQL's attempt count (a job rebuilt by the relay starts
      // BullMQ's count afresh). BullMQ must never fail a job on its own: a failed job keeps its id,
      // and the relay could not enqueue that delivery again. So its limit is out of reach; an
      // infrastructure error (database down) simply retries with the default backoff.
      attempts: Number.MAX_SAFE_INTEGER,
      backoff: { type: 'tocsin' },
      // PostgreSQL is the record; Redis keeps a window of finished jobs for the dashboard.
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    };
  }

  queue(channelId: string): Queue {
    let q = this.#queues.get(channelId);
    if (!q) {
      q = new Queue(queueName(channelId), { connection: this.connection, prefix: this.options.prefix });
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
        const jobs = batchSize === undefined ? list.map((d) => this.#single(d)) : [...groupBy(list, (d) => `${d.tenantId}/${d.sinkId}`).values()].flatMap((ofSink) => this.#batches(ofSink, batchSize));
        return this.queue(channelId).addBulk(jobs);
      }),
    );
  }

  /** Enqueues deliveries of one sink again after `delayMs`: the retry of a batch job's failures. */
  async enqueueLater(channelId: string, data: BatchJobData, delayMs: number): Promise<void> {
    await this.queue(channelId).add('deliver-batch', data, { ...this.#jobOptions, delay: delayMs });
  }

  #single(d: DueDelivery) {
    return { name: 'deliver', data: { delivery_id: d.id, tenant_id: d.tenantId, sink_id: d.sinkId } satisfies JobData, opts: { ...this.#jobOptions, jobId: singleJobId(d) } };
  }

  #batches(ofSink: DueDelivery[], size: number) {
    const jobs = [];
    for (let i = 0; i < ofSink.length; i += size) {
      const part = ofSink.slice(i, i + size);
      const data: BatchJobData = { tenant_id: part[0]!.tenantId, sink_id: part[0]!.sinkId, delivery_ids: part.map((d) => d.id) };
      jobs.push({ name: 'deliver-batch', data, opts: this.#jobOptions });
    }
    return jobs;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.connection.disconnect();
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
