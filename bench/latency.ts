/**
 * End-to-end latency: from just before an event's POST to its webhook's arrival at a loopback
 * receiver, with `tocsin api` and `tocsin worker` running as they would (child processes, one
 * webhook sink). Events are sent open-loop (on a schedule, not after the previous answer, as
 * independent producers would) at half the peak rate, so the figure is the latency of a busy
 * system, not of a saturated one. The peak is measured first on the same system: 32 closed-loop
 * producers post for PEAK_SECONDS, and the peak is those events over the time from the first
 * post to the last arrival. (The lower of the single-event ingest and webhook delivery rates,
 * each measured alone, overstates it: on this machine the api, the worker and PostgreSQL share two
 * cores.) The receiver runs in this process (bench/lib/receiver.ts), so send and arrival times are
 * read from the same clock; events are matched by id, which the webhook body carries.
 */
import { Agent, request } from 'undici';
import { benchEvent } from './lib/event.js';
import { startApi, startWorker, stop } from './lib/processes.js';
import { receiver } from './lib/receiver.js';
import { benchSystem } from './lib/system.js';

const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
/** Sent before the measured events, at the same rate, and not counted: pools, plans and JIT warm up. */
const WARMUP_SECONDS = 2;
/** How long the last events may take to arrive before they count as never arrived. */
const ARRIVAL_WAIT_MS = 30_000;
/** How long the closed-loop producers post to measure the peak, and how many there are. */
const PEAK_SECONDS = 4;
const PEAK_PRODUCERS = 32;

export interface LatencyResult {
  /** The end-to-end peak (events/s) and how many events measured it. */
  peak: number;
  peakEvents: number;
  /** Events per second sent: half the peak. */
  rate: number;
  sent: number;
  /** Measured events that never arrived within ARRIVAL_WAIT_MS (they count as infinitely late). */
  missing: number;
  p50: number;
  p99: number;
  /** Measured events arrived per second, from the first one's send to the last one's arrival: below `rate`, the system fell behind. */
  arrivalRate: number;
}

/** `givenPeak` (events/s) skips measuring the peak. */
export async function benchLatency(givenPeak?: number): Promise<LatencyResult> {
  const arrivals = new Map<string, number>();
  const hook = receiver((body) => arrivals.set((JSON.parse(body.toString()) as { id: string }).id, performance.now()));
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const sys = await benchSystem();
  const api = await startApi(sys.env);
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    const target = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    await sys.sink(api.port, { Webhook: { url: target, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } }, ['HONEYTOKEN_TRIPPED']);
    worker = await startWorker({ ...sys.env, TOCSIN_WORKER_CONCURRENCY: '32' });

    // Enough connections that a slow answer never holds up the schedule.
    const agent = new Agent({ connections: 256, pipelining: 1 });
    const url = `http://127.0.0.1:${api.port}/v1/events`;
    const headers = { authorization: `Bearer ${sys.token}`, 'content-type': 'application/json' };
    let refused = 0;
    const post = async (record?: Map<string, number>) => {
      const event = benchEvent();
      const body = JSON.stringify(event);
      record?.set(event.id, performance.now());
      try {
        const res = await request(url, { method: 'POST', dispatcher: agent, headers, body });
        await res.body.dump();
        if (res.statusCode !== 202) refused += 1;
      } catch {
        refused += 1;
      }
    };
    /** Waits until every event of `sent` has arrived, or ARRIVAL_WAIT_MS has passed. */
    const arrived = async (sent: Map<string, number>) => {
      const deadline = performance.now() + ARRIVAL_WAIT_MS;
      while ([...sent.keys()].some((id) => !arrivals.has(id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };
    const lastArrival = (sent: Map<string, number>) => [...sent.keys()].reduce((last, id) => Math.max(last, arrivals.get(id) ?? -Infinity), -Infinity);

    let peak = givenPeak ?? 0;
    const peakSent = new Map<string, number>();
    if (givenPeak === undefined) {
      const until = performance.now() + PEAK_SECONDS * 1000;
      await Promise.all(Array.from({ length: PEAK_PRODUCERS }, async () => {
        while (performance.now() < until) await post(peakSent);
      }));
      await arrived(peakSent);
      const lost = [...peakSent.keys()].filter((id) => !arrivals.has(id)).length;
      if (lost > 0) throw new Error(`${lost} of the peak run’s ${peakSent.size} events never arrived`);
      peak = peakSent.size / ((lastArrival(peakSent) - peakSent.values().next().value!) / 1000);
    }
    const rate = peak / 2;

    const sentAt = new Map<string, number>();
    const pending: Promise<void>[] = [];
    const total = Math.round(rate * (WARMUP_SECONDS + SECONDS));
    const warmup = Math.round(rate * WARMUP_SECONDS);
    const started = performance.now();
    // Each event goes out at its time: whatever is due is sent, then a millisecond's pause.
    for (let i = 0; i < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      for (; i < due; i += 1) pending.push(post(i >= warmup ? sentAt : undefined));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    await agent.close();
    if (refused > 0) throw new Error(`${refused} events were not accepted`);
    await arrived(sentAt);

    const latencies = [...sentAt].map(([id, at]) => (arrivals.get(id) ?? Infinity) - at).sort((a, b) => a - b);
    const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
    const firstSend = sentAt.values().next().value!;
    const delivered = latencies.filter((l) => l !== Infinity).length;
    return { peak, peakEvents: peakSent.size, rate, sent: sentAt.size, missing: sentAt.size - delivered, p50: percentile(50), p99: percentile(99), arrivalRate: delivered / ((lastArrival(sentAt) - firstSend) / 1000) };
  } finally {
    if (worker) await stop(worker.child);
    await stop(api.child);
    await sys.close();
    hook.closeAllConnections();
    hook.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // BENCH_PEAK (req/s) skips measuring the peak.
  const r = await benchLatency(process.env.BENCH_PEAK ? Number(process.env.BENCH_PEAK) : undefined);
  process.stdout.write(`end-to-end peak ${r.peak.toFixed(0)} events/s (${r.peakEvents} events); latency at ${r.rate.toFixed(0)} events/s (half of it), ${r.sent} events: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (target < 20 / < 50 ms); ${r.missing} never arrived; they arrived at ${r.arrivalRate.toFixed(0)}/s\n`);
  process.exit(0);
}
