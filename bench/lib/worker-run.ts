import { BIN, startChild, stop } from './processes.js';
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
 * Ingests `count` events for one sink with the worker stopped, then starts one worker process
 * and measures deliveries per second, from the first attempt's start to the last delivery's
 * finish as PostgreSQL recorded them. Every delivery must end delivered with exactly one attempt.
 */
export async function measureWorker(sys: BenchSystem, run: WorkerRun): Promise<number> {
  const api = await startChild(process.execPath, [BIN, 'api'], { ...sys.env, PORT: '0', LOG_LEVEL: 'info' }, /"port":(\d+)[^\n]*api listening/);
  try {
    const base = `http://127.0.0.1:${api.port}`;
    const headers = { authorization: `Bearer ${sys.token}`, 'content-type': 'application/json' };
    const sink = await fetch(`${base}/v1/event_sink`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench', event_sink_args: run.sinkArgs, events: ['HONEYTOKEN_TRIPPED'] }) }); // not `*`: its own EVENT_SINK_CREATED may reach it too
    if (sink.status !== 201) throw new Error(`sink: ${sink.status} ${await sink.text()}`);
    for (let i = 0; i < run.count; i += 1000) {
      const events = Array.from({ length: Math.min(1000, run.count - i) }, () => ({ action: 'HONEYTOKEN_TRIPPED' }));
      const res = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ events }) });
      if (res.status !== 202) throw new Error(`ingest: ${res.status}`);
    }
  } finally {
    await stop(api.child);
  }

  // BENCH_WORKER_NODE_ARGS, e.g. `--cpu-prof`, profiles the measured process.
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const worker = await startChild(process.execPath, [...nodeArgs, BIN, 'worker'], { ...sys.env, LOG_LEVEL: 'info', ...run.workerEnv }, /()worker started/);
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
