/**
 * Webhook deliveries per second for one worker process, as a ratio to a bare BullMQ worker that
 * POSTs each job with got (same receiver, same concurrency, same run). Tocsin's worker does the
 * real work per delivery: claim the row, load sink and event, decrypt, sign twice, send through
 * the egress guard, record the attempt and the state. The bare worker runs on the same queue
 * store as Tocsin's (Redis, or BullMQ's PostgreSQL backend).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TSX, startChild, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';
import { measureWorker } from './lib/worker-run.js';

const run = promisify(execFile);
const COUNT = Number(process.env.BENCH_DELIVERIES ?? 5000);
const CONCURRENCY = 32;

export async function benchDelivery(queue: 'redis' | 'postgres' = 'redis'): Promise<{ bare: number; tocsin: number }> {
  const receiver = await startChild(TSX, [new URL('./lib/receiver.ts', import.meta.url).pathname]);
  const target = `http://127.0.0.1:${receiver.port}/hook`;
  const sys = await benchSystem(queue);
  try {
    const store = queue === 'redis' ? sys.env.REDIS_URL! : sys.env.DATABASE_URL!;
    const bareOut = await run(TSX, [new URL('./lib/bare-worker.ts', import.meta.url).pathname, store, target, String(COUNT), String(CONCURRENCY)]);
    const bare = JSON.parse(bareOut.stdout.trim().split('\n').pop()!).perSecond as number;
    const tocsin = await measureWorker(sys, {
      sinkArgs: { Webhook: { url: target, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
      count: COUNT,
      // Every delivery goes to one sink, so its bound of sends in flight (a quarter of the
      // worker's by default: a hanging receiver must not hold the whole worker) is raised to the
      // worker's own, for the same 32 at once as the bare worker.
      workerEnv: { TOCSIN_WORKER_CONCURRENCY: String(CONCURRENCY), TOCSIN_SINK_CONCURRENCY: String(CONCURRENCY) },
    });
    return { bare, tocsin };
  } finally {
    await sys.close();
    await stop(receiver.child);
  }
}
