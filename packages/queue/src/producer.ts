import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { queueName } from './names.js';
import type { DueDelivery, JobData } from './job.js';

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

  async enqueue(deliveries: DueDelivery[]): Promise<void> {
    const byChannel = new Map<string, DueDelivery[]>();
    for (const d of deliveries) {
      const list = byChannel.get(d.channel) ?? [];
      list.push(d);
      byChannel.set(d.channel, list);
    }
    await Promise.all(
      [...byChannel].map(([channelId, list]) =>
        this.queue(channelId).addBulk(
          list.map((d) => ({
            name: 'deliver',
            data: { delivery_id: d.id, tenant_id: d.tenantId, sink_id: d.sinkId } satisfies JobData,
            opts: { ...this.#jobOptions, jobId: d.id },
          })),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
