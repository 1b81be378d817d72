/**
 * Single-event ingest throughput, as a ratio to a bare Express JSON POST measured the same way in
 * the same run. Tocsin's path is the real one: token auth, validation, catalog, matching one
 * webhook sink, a transaction writing the event and its delivery, the enqueue after commit.
 */
import { benchEvent } from './lib/event.js';
import { load } from './lib/load.js';
import { TSX, startApi, startChild, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';

const CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

export async function benchIngest(queue: 'redis' | 'postgres' = 'redis'): Promise<{ bare: number; tocsin: number }> {
  const sys = await benchSystem(queue);
  try {
    const bare = await startChild(TSX, [new URL('./lib/bare-express.ts', import.meta.url).pathname]);
    const api = await startApi(sys.env);
    try {
      // One subscribed webhook sink (never called: no worker runs), so each event also writes a delivery.
      await sys.sink(api.port, { Webhook: { url: 'http://127.0.0.1:9/hook' } });
      const body = () => JSON.stringify(benchEvent());
      const headers = { authorization: `Bearer ${sys.token}` };
      const run = (port: number, seconds: number) => load(`http://127.0.0.1:${port}/v1/events`, { body, headers, concurrency: CONCURRENCY, seconds });
      await run(bare.port, 1); // warm-up
      await run(api.port, 2);
      const b = await run(bare.port, SECONDS);
      const t = await run(api.port, SECONDS);
      if (t.statuses[202] !== t.requests || t.errors > 0) throw new Error(`tocsin answered ${JSON.stringify(t.statuses)} with ${t.errors} errors`);
      const stored = await sys.count('SELECT count(*) FROM audit_event');
      if (stored < t.requests) throw new Error(`only ${stored} of ${t.requests} accepted events are stored`);
      return { bare: b.perSecond, tocsin: t.perSecond };
    } finally {
      await stop(api.child);
      await stop(bare.child);
    }
  } finally {
    await sys.close();
  }
}
