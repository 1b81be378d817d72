import { channels, type AnyChannel } from '@tocsin/channels';
import type { Database } from '@tocsin/db';
import type { Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import type { ApiMetrics } from './registry.js';

/** A scrape must answer even when a store does not: each read gives up after this long. */
const SOURCE_TIMEOUT_MS = 2_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** BullMQ's counts: a few O(1) reads (LLEN, ZCARD) per queue, in one round trip each. */
async function readQueues(metrics: ApiMetrics, producer: Producer): Promise<void> {
  const ids = (Object.values(channels) as AnyChannel[]).map((c) => c.id);
  const counts = await Promise.all(ids.map((id) => producer.queue(id).getJobCounts('wait', 'prioritized', 'delayed', 'active')));
  metrics.queueDepth.reset();
  ids.forEach((id, i) => {
    const c = counts[i]!;
    metrics.queueDepth.set({ channel: id }, (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) + (c.active ?? 0));
  });
}

/**
 * The backlog, the relay's lag and the open circuits, through the SECURITY DEFINER functions of
 * prisma/migrations/20261206000001_metrics (row-level security hides every tenant's rows from the
 * app role without a tenant). They return aggregates per channel and nothing a tenant owns.
 */
async function readDatabase(metrics: ApiMetrics, db: Database): Promise<void> {
  const { backlog, lag, circuits } = await db.sql(async (tx) => {
    await tx.query(`SET LOCAL statement_timeout = ${SOURCE_TIMEOUT_MS}`);
    return {
      backlog: (await tx.query<{ channel: string; undelivered: string; oldest_seconds: number }>('SELECT channel, undelivered, oldest_seconds FROM tocsin_metrics_deliveries()')).rows,
      lag: (await tx.query<{ lag: number }>('SELECT tocsin_metrics_relay_lag() AS lag')).rows[0]?.lag ?? 0,
      circuits: (await tx.query<{ channel: string; reason: string; sinks: string }>('SELECT channel, reason, sinks FROM tocsin_metrics_circuits()')).rows,
    };
  });
  metrics.undelivered.reset();
  metrics.oldestUndelivered.reset();
  metrics.circuitsOpen.reset();
  for (const id of (Object.values(channels) as AnyChannel[]).map((c) => c.id)) metrics.undelivered.set({ channel: id }, 0);
  for (const row of backlog) {
    metrics.undelivered.set({ channel: row.channel }, Number(row.undelivered));
    metrics.oldestUndelivered.set({ channel: row.channel }, Math.max(0, row.oldest_seconds));
  }
  metrics.relayLag.set(lag);
  for (const row of circuits) metrics.circuitsOpen.set({ channel: row.channel, reason: row.reason }, Number(row.sinks));
}

/** Refreshes the scrape-time gauges; a store that does not answer costs its gauges, not the scrape. */
export async function refreshGauges(metrics: ApiMetrics, deps: { db: Database; producer: Producer; logger: Logger }): Promise<void> {
  const sources: [string, () => Promise<void>, () => void][] = [
    ['redis', () => readQueues(metrics, deps.producer), () => metrics.queueDepth.reset()],
    [
      'postgres',
      () => readDatabase(metrics, deps.db),
      () => {
        metrics.undelivered.reset();
        metrics.oldestUndelivered.reset();
        metrics.relayLag.reset();
        metrics.circuitsOpen.reset();
      },
    ],
  ];
  await Promise.all(
    sources.map(async ([source, read, clear]) => {
      try {
        await within(read(), SOURCE_TIMEOUT_MS);
        metrics.sourceUp.set({ source }, 1);
      } catch (err) {
        clear();
        metrics.sourceUp.set({ source }, 0);
        deps.logger.warn({ err: { name: (err as Error).name, code: (err as { code?: string }).code, message: (err as Error).message }, source }, 'metrics: source not read');
      }
    }),
  );
}
