import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { channels, requestSettings, SenderCache, type AnyChannel } from '@tocsin/channels';
import { Database, type SecretBox } from '@tocsin/db';
import { Producer, queueName } from '@tocsin/queue';
import { channelSettingsOf, type Config, type Logger } from '@tocsin/config';
import { backoffStrategy } from './bullmq-outcome.js';
import { DeliveryStore } from './deliveries.js';
import { SinkPacer } from './pacer.js';
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
 * One BullMQ Worker per selected channel, plus the outbox relay. Each queue runs as many jobs at
 * once as its channel declares (`TOCSIN_WORKER_CONCURRENCY` overrides every channel). A job's
 * lock is three times its channel's HTTP timeout plus the batch wait (at least 5 s), so a slow
 * destination never outlives its lock and a job is not run twice at once; a crashed worker's jobs
 * come back after the lock expires.
 */
export async function startWorker(config: Config, box: SecretBox, logger: Logger, channelIds?: string[]): Promise<RunningWorker> {
  const selected = selectChannels(channelIds);
  const concurrencyOf = (channel: AnyChannel) => config.TOCSIN_WORKER_CONCURRENCY ?? requestSettings(channel).concurrency;
  const totalConcurrency = selected.reduce((sum, channel) => sum + concurrencyOf(channel), 0);
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: Math.min(50, totalConcurrency + 2) });
  const producer = new Producer({ redisUrl: config.REDIS_URL, prefix: config.TOCSIN_QUEUE_PREFIX });
  const senders = new SenderCache({ cipher: box, egressAllow: config.TOCSIN_EGRESS_ALLOW, settings: channelSettingsOf(config), timeoutMs: config.TOCSIN_HTTP_TIMEOUT_MS });
  const lockOf = (channel: AnyChannel) => Math.max(5_000, 3 * senders.timeoutMs(channel) + (channel.batch?.maxWaitMs ?? 0));
  const deps = {
    // A claim's lease outlives the longest job lock: the relay steps in only for a dead worker.
    store: new DeliveryStore(db, 2 * Math.max(...selected.map(lockOf))),
    senders,
    pacer: new SinkPacer(),
    producer,
    logger,
    maxAttempts: config.TOCSIN_RETRY_MAX_ATTEMPTS,
    retryBaseMs: config.TOCSIN_RETRY_BASE_MS,
    relayGraceMs: config.TOCSIN_RELAY_GRACE_MS,
  };
  // Workers block on Redis: maxRetriesPerRequest must be null or a blip kills them for good.
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', (err) => logger.warn({ err: { code: (err as { code?: string }).code } }, 'worker redis error'));
  const processors = selected.map((channel) => createProcessor(channel, deps));
  const workers = selected.map((channel, i) => {
    const lockDuration = lockOf(channel);
    const worker = new Worker(queueName(channel.id), processors[i]!, {
      connection,
      prefix: config.TOCSIN_QUEUE_PREFIX,
      concurrency: concurrencyOf(channel),
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
  logger.info({ channels: Object.fromEntries(selected.map((c) => [c.id, { concurrency: concurrencyOf(c) }])) }, 'worker started');
  return {
    workers,
    relay,
    async close() {
      await relay.stop();
      // Batches waiting for company go now, so the jobs they hold can finish before close.
      const closing = workers.map((w) => w.close());
      for (const processor of processors) processor.flush();
      await Promise.all(closing);
      connection.disconnect();
      await producer.close();
      await db.close();
    },
  };
}
