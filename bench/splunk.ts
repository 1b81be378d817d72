/**
 * Splunk HEC events per second for one worker process with batching, against a loopback HEC
 * receiver (bench/lib/receiver.ts answers HEC's success document). Each event is still its own
 * delivery: claimed, recorded and decided on its own row; only the HTTP requests are shared.
 */
import { TSX, startChild, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';
import { measureWorker } from './lib/worker-run.js';

const COUNT = Number(process.env.BENCH_SPLUNK_EVENTS ?? 20_000);

export async function benchSplunk(): Promise<{ tocsin: number; requests: number }> {
  const receiver = await startChild(TSX, [new URL('./lib/receiver.ts', import.meta.url).pathname]);
  const sys = await benchSystem();
  try {
    const tocsin = await measureWorker(sys, {
      sinkArgs: { Splunk: { url: `http://127.0.0.1:${receiver.port}`, token: '5f0c3a7e-1b2d-4c8e-9f6a-0d1e2f3a4b5c' } },
      count: COUNT,
    });
    const stats = await fetch(`http://127.0.0.1:${receiver.port}/stats`).then((r) => r.json() as Promise<{ requests: number }>);
    return { tocsin, requests: stats.requests };
  } finally {
    await sys.close();
    await stop(receiver.child);
  }
}
