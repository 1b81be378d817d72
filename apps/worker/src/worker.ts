import { getHeapStatistics } from 'node:v8';
import type { Worker } from 'bullmq';
import { channelById, channels, requestSettings, SenderCache, type AnyChannel } from '@tocsin/channels';
import { Database, type SecretBox } from '@tocsin/db';
import { openQueueStore, Producer, queueName, queueStoreOptionsOf, sinksChangedChannel } from '@tocsin/queue';
import { channelSettingsOf, type Config, type Logger } from '@tocsin/config';
import { backoffStrategy } from './bullmq-outcome.js';
import { DeliveryStore } from './deliveries.js';
import { SinkPacer } from './pacer.js';
import { createWorkerMetrics } from './metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { createProcessor } from './processor.js';
import { Relay } from './relay.js';
import { Retention } from './retention.js';
import { retryPoliciesOf } from './retry-policy.js';
import { SinkRates } from './sink-rates.js';
import { defaultSinkConcurrency, SinkSlots } from './sink-slots.js';

export interface RunningWorker {
  workers: Worker[];
  relay: Relay;
  retention: Retention;
  /** The port GET /metrics is served on (TOCSIN_METRICS_PORT); undefined when it is not set. */
  metricsPort?: number;
  /**
   * Stops taking jobs and waits for the ones in flight to finish and be recorded, for at most
   * `graceMs` (unbounded without it). Past the bound it lets go of them: the process may exit,
   * and the deliveries' leases in PostgreSQL let the relay send them again. Resolves with whether
   * every job finished in time.
   */
  close(graceMs?: number): Promise<{ drained: boolean }>;
}

/** Whether `promise` settles within `ms` (it keeps running either way). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) return promise.then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
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
  const store = openQueueStore({
    ...queueStoreOptionsOf(config),
    onError: (err) => logger.warn({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'queue store connection error'),
  });
  const producer = new Producer(store);
  const senders = new SenderCache({ cipher: box, egressAllow: config.TOCSIN_EGRESS_ALLOW, settings: channelSettingsOf(config), timeoutMs: config.TOCSIN_HTTP_TIMEOUT_MS });
  const lockOf = (channel: AnyChannel) => Math.max(5_000, 3 * senders.timeoutMs(channel) + (channel.batch?.maxWaitMs ?? 0));
  const metrics = createWorkerMetrics();
  const deps = {
    metrics,
    // A claim's lease outlives the longest job lock: the relay steps in only for a dead worker.
    store: new DeliveryStore(db, 2 * Math.max(...selected.map(lockOf)), retryPoliciesOf(config), { openAfterMs: config.TOCSIN_BREAKER_OPEN_AFTER_MS }),
    senders,
    pacer: new SinkPacer(),
    slots: new SinkSlots(
      (channelId) => config.TOCSIN_SINK_CONCURRENCY ?? defaultSinkConcurrency(concurrencyOf(channelById(channelId)!)),
      (channelId) => senders.timeoutMs(channelById(channelId)!),
    ),
    rates: new SinkRates(db),
    producer,
    logger,
    sinksChanged: (tenantId: string) => {
      store.bus.publish(sinksChangedChannel(config.TOCSIN_QUEUE_PREFIX), tenantId).catch((err: unknown) => {
        logger.warn({ err: { code: (err as { code?: string }).code }, tenantId }, 'sink change not announced; the api caches expire within 5 s');
      });
    },
    relayGraceMs: config.TOCSIN_RELAY_GRACE_MS,
  };
  let metricsServer: MetricsServer | undefined;
  const release = async () => {
    await metricsServer?.close();
    await producer.close();
    await store.close({ force: true });
    await db.close();
  };
  try {
    await store.prepare(logger, { requireNoEviction: config.TOCSIN_REDIS_REQUIRE_NOEVICTION });
  } catch (err) {
    await release();
    throw err;
  }
  try {
    if (config.TOCSIN_METRICS_PORT !== undefined) metricsServer = await startMetricsServer(metrics.registry, { port: config.TOCSIN_METRICS_PORT, host: config.HOST, token: config.TOCSIN_METRICS_TOKEN, logger });
  } catch (err) {
    await release();
    throw err;
  }
  const processors = selected.map((channel) => createProcessor(channel, deps));
  const workers = selected.map((channel, i) => {
    const lockDuration = lockOf(channel);
    const worker = store.worker(queueName(channel.id), processors[i]!, {
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
  const relay = new Relay(db, producer, logger, { intervalMs: config.TOCSIN_RELAY_INTERVAL_MS, recheckMs: config.TOCSIN_RELAY_RECHECK_MS, metrics });
  await relay.start();
  const retention = new Retention(db, logger, { intervalMs: config.TOCSIN_RETENTION_INTERVAL_MS });
  retention.start();
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  logger.info({ queue: store.kind, heapLimitMb, channels: Object.fromEntries(selected.map((c) => [c.id, { concurrency: concurrencyOf(c) }])) }, 'worker started');
  return {
    workers,
    relay,
    retention,
    metricsPort: metricsServer?.port,
    async close(graceMs = Infinity) {
      const deadline = Date.now() + graceMs;
      await Promise.all([relay.stop(), retention.stop()]);
      // Workers stop fetching at once; batches waiting for company go now, so the jobs they hold
      // can finish before close.
      const closing = Promise.all(workers.map((w) => w.close()));
      closing.catch((err: unknown) => logger.warn({ err }, 'worker close failed'));
      for (const processor of processors) processor.flush();
      const drained = await settlesWithin(closing, deadline - Date.now());
      if (!drained) {
        // Jobs still sending keep their BullMQ locks until those expire and their claims until
        // the lease runs out; then another worker, or the relay, takes them.
        logger.warn({ graceMs }, 'shutdown grace over with deliveries still in flight; their leases hand them to another worker');
      }
      await release();
      return { drained };
    },
  };
}
