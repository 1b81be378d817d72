/**
 * Webhook deliveries per second for one worker process, as a ratio to a bare BullMQ worker that
 * POSTs each job with got (same receiver, same concurrency, same run). Tocsin's worker does the
 * real work per delivery: claim the row, load sink and event, decrypt, sign twice, send through
 * the egress guard, record the attempt and the state.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN, TSX, startChild, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';

const run = promisify(execFile);
const COUNT = Number(process.env.BENCH_DELIVERIES ?? 5000);
const CONCURRENCY = 32;

export async function benchDelivery(): Promise<{ bare: number; tocsin: number }> {
  const receiver = await startChild(TSX, [new URL('./lib/receiver.ts', import.meta.url).pathname]);
  const target = `http://127.0.0.1:${receiver.port}/hook`;
  const sys = await benchSystem();
  try {
    const bareOut = await run(TSX, [new URL('./lib/bare-worker.ts', import.meta.url).pathname, sys.env.REDIS_URL!, target, String(COUNT), String(CONCURRENCY)]);
    const bare = JSON.parse(bareOut.stdout.trim().split('\n').pop()!).perSecond as number;

    const api = await startChild(process.execPath, [BIN, 'api'], { ...sys.env, PORT: '0', LOG_LEVEL: 'info' }, /"port":(\d+)[^\n]*api listening/);
    try {
      const base = `http://127.0.0.1:${api.port}`;
      const headers = { authorization: `Bearer ${sys.token}`, 'content-type': 'application/json' };
      const sink = await fetch(`${base}/v1/event_sink`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'bench', event_sink_args: { Webhook: { url: target, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } } }),
      });
      if (sink.status !== 201) throw new Error(`sink: ${sink.status} ${await sink.text()}`);
      for (let i = 0; i < COUNT; i += 1000) {
        const events = Array.from({ length: Math.min(1000, COUNT - i) }, () => ({ action: 'HONEYTOKEN_TRIPPED' }));
        const res = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: JSON.stringify({ events }) });
        if (res.status !== 202) throw new Error(`ingest: ${res.status}`);
      }
    } finally {
      await stop(api.child);
    }

    const worker = await startChild(process.execPath, [BIN, 'worker'], { ...sys.env, LOG_LEVEL: 'info', TOCSIN_WORKER_CONCURRENCY: String(CONCURRENCY) }, /()worker started/);
    try {
      while ((await sys.count("SELECT count(*) FROM delivery WHERE state = 'delivered'")) < COUNT) await new Promise((r) => setTimeout(r, 250));
    } finally {
      await stop(worker.child);
    }
    const { rows } = await sys.owner.query(
      `SELECT extract(epoch FROM (SELECT max(finished_at) FROM delivery) - (SELECT min(started_at) FROM delivery_attempt)) AS seconds,
              (SELECT count(*) FROM delivery_attempt) AS attempts`,
    );
    const seconds = Number(rows[0].seconds);
    if (Number(rows[0].attempts) !== COUNT) throw new Error(`expected ${COUNT} attempts, got ${rows[0].attempts}`);
    return { bare, tocsin: COUNT / seconds };
  } finally {
    await sys.close();
    await stop(receiver.child);
  }
}
