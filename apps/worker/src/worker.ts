import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { channels, createHttpClient, type AnyChannel } from '@tocsin/channels';
import { Database, type SecretBox } from '@tocsin/db';
import { Producer, queueName } from '@tocsin/queue';
import type { Config, Logger } from '@tocsin/config';
import { backoffStrategy } from './bullmq-outcome.js';
import { DeliveryStore } from './deliveries.js';
import { createProcessor } from './processor.js';
import { Relay } from './relay.js';

export interface RunningWorker {
  workers: Worker[];
  relay: Relay;
  close(): Promise<void>;
}

/** Resolves `--channels slack,webhook` (or all) against the registry. */
export function selectChannels(ids: string[] | undefined): AnyChannel[] {
  const all = Object.values(channels) as AnyChannel[];
  if (!ids || ids.length === 0 || ids.includes('all')) return all;
  return ids.map((id) => {
    const channel = all.find((c) => c.id === id);
    if (!channel) throw new Error(`unknown channel "${id}"; known: ${all.map((c) => c.id).join(', ')}`);
    return channel;
  });
}

/**
 * One BullMQ Worker per selected channel, plus the outbox relay. The job lock is three times the
 * HTTP timeout (at least 5 s), so a slow destination never outlives its lock and a job is not
 * run twice at once; a crashed worker's jobs come back after the lock expires.
 */
export async function startWorker(config: Config, box: SecretBox, logger: Logger, channelIds?: string[]): Promise<RunningWorker> {
  const selected = selectChannels(channelIds);
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: Math.min(50, config.TOCSIN_WORKER_CONCURRENCY * selected.length + 2) });
  const producer = new Producer({ redisUrl: config.REDIS_URL, prefix: config.TOCSIN_QUEUE_PREFIX });
  const http = createHttpClient({ egressAllow: config.TOCSIN_EGRESS_ALLOW, timeoutMs: config.TOCSIN_HTTP_TIMEOUT_MS });
  const lockDuration = Math.max(5_000, 3 * config.TOCSIN_HTTP_TIMEOUT_MS);
  const deps = {
    store: new DeliveryStore(db, 2 * lockDuration),
    box,
    http,
    logger,
    maxAttempts: config.TOCSIN_RETRY_MAX_ATTEMPTS,
    retryBaseMs: config.TOCSIN_RETRY_BASE_MS,
    relayGraceMs: config.TOCSIN_RELAY_GRACE_MS,
  };
  // Workers block on Redis: maxRetriesPerRequest must be null or a blip kills them for good.
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', (err) => logger.warn({ err: { code: (err as { code?: string }).code } }, 'worker redis error'));
  const workers = selected.map((channel) => {
    const worker = new Worker(queueName(channel.id), createProcessor(channel, deps), {
      connection,
      prefix: config.TOCSIN_QUEUE_PREFIX,
      concurrency: config.TOCSIN_WORKER_CONCURRENCY,
      lockDuration,
      stalledInterval: lockDuration,
      // A stalled job goes back to the queue; finality is decided by PostgreSQL's attempt count.
      maxStalledCount: 1000,
      settings: { backoffStrategy },
    });
    worker.on('error', (err) => logger.warn({ err, channel: channel.id }, 'worker error'));
    return worker;
  });
  const relay = new Relay(db, producer, logger, { intervalMs: config.TOCSIN_RELAY_INTERVAL_MS, recheckMs: config.TOCSIN_RELAY_RECHECK_MS });
  await relay.start();
  logger.info({ channels: selected.map((c) => c.id), concurrency: config.TOCSIN_WORKER_CONCURRENCY }, 'worker started');
  return {
    workers,
    relay,
    async close() {
      await relay.stop();
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
      await producer.close();
      await db.close();
    },
  };
}
