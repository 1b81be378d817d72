import { startApi, startWorker, stop } from './processes.js';
import type { benchSystem } from './system.js';

type BenchSystem = Awaited<ReturnType<typeof benchSystem>>;

export interface WorkerRun {
  /** `event_sink_args` of the one sink every event goes to. */
  sinkArgs: Record<string, unknown>;
  count: number;
  /** Extra environment for the worker process. */
  workerEnv?: Record<string, string>;
}

/**
 * Ingests `count` events for one sink through an api process, 1000 a request, with no worker
 * running: afterwards `count` deliveries wait in the queue.
 */
export async function queueEvents(sys: BenchSystem, sinkArgs: Record<string, unknown>, count: number): Promise<void> {
  const api = await startApi(sys.env);
  try {
    const base = `http://127.0.0.1:${api.port}`;
    const headers = { authorization: `Bearer ${sys.token}`, 'content-type': 'application/json' };
    await sys.sink(api.port, sinkArgs, ['HONEYTOKEN_TRIPPED']); // not `*`: its own EVENT_SINK_CREATED may reach it too
    for (let i = 0; i < count; i += 1000) {
      const events = Array.from({ length: Math.min(1000, count - i) }, () => ({ action: 'HONEYTOKEN_TRIPPED' }));
      const res = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ events }) });
      if (res.status !== 202) throw new Error(`ingest: ${res.status}`);
    }
  } finally {
    await stop(api.child);
  }
}

/**
 * Queues `count` events for one sink (queueEvents), then starts one worker process and measures
 * deliveries per second, from the first attempt's start to the last delivery's finish as
 * PostgreSQL recorded them. Every delivery must end delivered with exactly one attempt.
 */
export async function measureWorker(sys: BenchSystem, run: WorkerRun): Promise<number> {
  await queueEvents(sys, run.sinkArgs, run.count);
  const worker = await startWorker({ ...sys.env, ...run.workerEnv });
  try {
    while ((await sys.count("SELECT count(*) FROM delivery WHERE state = 'delivered'")) < run.count) await new Promise((r) => setTimeout(r, 250));
  } finally {
    await stop(worker.child);
  }
  const { rows } = await sys.owner.query(
    `SELECT extract(epoch FROM (SELECT max(finished_at) FROM delivery) - (SELECT min(started_at) FROM delivery_attempt)) AS seconds,
            (SELECT count(*) FROM delivery_attempt) AS attempts`,
  );
  if (Number(rows[0].attempts) !== run.count) throw new Error(`expected ${run.count} attempts, got ${rows[0].attempts}`);
  return run.count / Number(rows[0].seconds);
}
