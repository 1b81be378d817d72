/**
 * A worker's memory with a deep backlog: BENCH_QUEUED (100,000) events are queued for one webhook
 * sink with no worker running (lib/worker-run.ts, queueEvents), then one `tocsin worker` process
 * starts with its default settings and its RSS (VmRSS in /proc/<pid>/status) is sampled every
 * 250 ms while it drains the queue into a loopback receiver, until it is drained or for at most
 * BENCH_MEMORY_SECONDS (30): what matters is that the backlog's size does not reach the process.
 */
import { readFile } from 'node:fs/promises';
import { TSX, startChild, startWorker, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';
import { queueEvents } from './lib/worker-run.js';

const QUEUED = Number(process.env.BENCH_QUEUED ?? 100_000);
const MAX_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 30);
const SAMPLE_MS = 250;

export interface MemoryResult {
  queued: number;
  /** Highest RSS seen, and RSS once the worker had started, in MB (2^20 bytes). */
  maxRssMb: number;
  startRssMb: number;
  /** Deliveries finished when sampling ended, and how long it ran. */
  delivered: number;
  seconds: number;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

export async function benchWorkerMemory(): Promise<MemoryResult> {
  const receiver = await startChild(TSX, [new URL('./lib/receiver.ts', import.meta.url).pathname]);
  const sys = await benchSystem();
  try {
    await queueEvents(sys, { Webhook: { url: `http://127.0.0.1:${receiver.port}/hook`, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } }, QUEUED);
    const worker = await startWorker(sys.env);
    try {
      const pid = worker.child.pid!;
      const started = performance.now();
      const startRssMb = await rssMb(pid);
      let maxRssMb = startRssMb;
      let delivered = 0;
      // Sampling reads /proc only; the count every 2 s keeps this process's queries out of the way.
      for (let n = 1; delivered < QUEUED && performance.now() - started < MAX_SECONDS * 1000; n += 1) {
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
        maxRssMb = Math.max(maxRssMb, await rssMb(pid));
        if (n % 8 === 0) delivered = await sys.count("SELECT count(*) FROM delivery WHERE state = 'delivered'");
      }
      delivered = await sys.count("SELECT count(*) FROM delivery WHERE state = 'delivered'");
      return { queued: QUEUED, maxRssMb, startRssMb, delivered, seconds: (performance.now() - started) / 1000 };
    } finally {
      await stop(worker.child);
    }
  } finally {
    await sys.close();
    await stop(receiver.child);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchWorkerMemory();
  process.stdout.write(`worker RSS with ${r.queued} queued: max ${r.maxRssMb.toFixed(0)} MB (${r.startRssMb.toFixed(0)} MB once started; target < 200 MB); ${r.delivered} delivered in ${r.seconds.toFixed(1)} s\n`);
  process.exit(0);
}
