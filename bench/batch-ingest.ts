/**
 * Batch ingest throughput, 500 events a request, as a ratio to a bare script that stores the same
 * rows with one multi-row INSERT a batch and queues them with one addBulk (bench/lib/bare-batch.ts),
 * at the same concurrency, on the same PostgreSQL and Redis, in the same run. Tocsin's path is the
 * real one, as in bench/ingest.ts: one subscribed webhook sink, so each event also writes a
 * delivery row and enqueues a job.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { benchEvent } from './lib/event.js';
import { load } from './lib/load.js';
import { TSX, startApi, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';

const run = promisify(execFile);
const BATCH = 500;
/** A few producers, each sending its next batch once the last one is answered. */
const CONCURRENCY = 4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

export async function benchBatchIngest(): Promise<{ bare: number; tocsin: number }> {
  const sys = await benchSystem();
  try {
    const api = await startApi(sys.env);
    try {
      // Never called: no worker runs.
      const sinkId = await sys.sink(api.port, { Webhook: { url: 'http://127.0.0.1:9/hook' } });
      // The baseline's tables: audit_event's and delivery's columns, indexes and foreign keys, no RLS.
      await sys.owner.query(`
        CREATE TABLE bare_event (LIKE audit_event INCLUDING ALL);
        ALTER TABLE bare_event ADD FOREIGN KEY (tenant_id) REFERENCES tenant (id) ON DELETE CASCADE;
        CREATE TABLE bare_delivery (LIKE delivery INCLUDING ALL);
        ALTER TABLE bare_delivery ADD FOREIGN KEY (tenant_id, event_id) REFERENCES bare_event (tenant_id, id) ON DELETE CASCADE,
                                  ADD FOREIGN KEY (sink_id) REFERENCES event_sink (id) ON DELETE CASCADE;`);

      const body = () => JSON.stringify({ events: Array.from({ length: BATCH }, benchEvent) });
      const headers = { authorization: `Bearer ${sys.token}` };
      const ingest = (seconds: number) => load(`http://127.0.0.1:${api.port}/v1/events`, { body, headers, concurrency: CONCURRENCY, seconds });
      await ingest(2); // warm-up
      const bareOut = await run(TSX, [new URL('./lib/bare-batch.ts', import.meta.url).pathname, sys.url, sys.env.REDIS_URL!, sys.tenantId, sinkId, String(SECONDS), String(CONCURRENCY), String(BATCH)]);
      const bare = JSON.parse(bareOut.stdout.trim().split('\n').pop()!) as { events: number; perSecond: number; stored: number };
      const bareStored = await sys.count('SELECT count(*) FROM bare_event');
      if (bareStored !== bare.stored) throw new Error(`the baseline stored ${bareStored} events, not ${bare.stored}`);

      const before = await sys.count('SELECT count(*) FROM audit_event');
      const t = await ingest(SECONDS);
      if (t.statuses[202] !== t.requests || t.errors > 0) throw new Error(`tocsin answered ${JSON.stringify(t.statuses)} with ${t.errors} errors`);
      const accepted = t.requests * BATCH;
      const stored = (await sys.count('SELECT count(*) FROM audit_event')) - before;
      if (stored !== accepted) throw new Error(`${stored} events stored, ${accepted} accepted`);
      return { bare: bare.perSecond, tocsin: accepted / t.seconds };
    } finally {
      await stop(api.child);
    }
  } finally {
    await sys.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchBatchIngest();
  process.stdout.write(`batch ingest, ${BATCH} events a request (events/s): tocsin ${r.tocsin.toFixed(0)}, bare INSERT + addBulk ${r.bare.toFixed(0)}, ratio ${(r.tocsin / r.bare).toFixed(2)} (target ≥ 0.8)\n`);
  process.exit(0);
}
