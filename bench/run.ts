/**
 * `npm run bench`: every benchmark, each reported as a ratio to a baseline measured in the same
 * run on the same machine (absolute numbers on a shared 2-core machine are noise; ratios less so),
 * or against an absolute target where there is no baseline to be had. Prints one table and
 * writes it, with the queue-store comparison, to docs/performance.md.
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { benchBatchIngest } from './batch-ingest.js';
import { benchDelivery } from './delivery.js';
import { benchEventsExport } from './events-export.js';
import { benchIngest } from './ingest.js';
import { benchLatency } from './latency.js';
import { benchPoison } from './poison.js';
import { benchSplunk } from './splunk.js';
import { benchWorkerMemory } from './worker-memory.js';

/** One line of the table: a figure against a baseline from this run, or against an absolute target. */
interface Row {
  figure: string;
  value: string;
  baseline: string;
  baselineValue: string;
  ratio: string;
  target: string;
  met: boolean;
}

const count = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '∞');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'never');
const rows: Row[] = [];
const against = (figure: string, value: number, baseline: string, baselineValue: number, min: number) =>
  rows.push({ figure, value: count(value), baseline, baselineValue: count(baselineValue), ratio: `${(value / baselineValue).toFixed(2)}×`, target: `≥ ${min}×`, met: value / baselineValue >= min });
const absolute = (figure: string, value: string, target: string, met: boolean) => rows.push({ figure, value, baseline: '—', baselineValue: '—', ratio: '—', target, met });
const step = (name: string) => process.stderr.write(`bench: ${name}\n`);

step('single-event ingest');
const ingest = await benchIngest();
against('single-event ingest (req/s)', ingest.tocsin, 'bare Express JSON POST', ingest.bare, 0.5);
step('batch ingest');
const batch = await benchBatchIngest();
against('batch ingest, 500 events/request (events/s)', batch.tocsin, 'bare multi-row INSERT + addBulk of the same rows', batch.bare, 0.8);
step('webhook delivery');
const delivery = await benchDelivery();
against('webhook deliveries/s, one worker process', delivery.tocsin, 'bare BullMQ worker POSTing each job with got', delivery.bare, 0.8);
step('Splunk HEC delivery');
const splunk = await benchSplunk();
absolute('Splunk HEC events/s, one worker process, batched', count(splunk.tocsin), '≥ 10,000/s', splunk.tocsin >= 10_000);
step('end-to-end latency');
// At half the end-to-end peak, which it measures first with an api and a worker running together.
const latency = await benchLatency();
absolute(`end-to-end p50 / p99 at half of peak (${count(latency.rate)}/s), POST → receiver`, `${ms(latency.p50)} / ${ms(latency.p99)} ms`, '< 20 ms / < 50 ms', latency.p50 < 20 && latency.p99 < 50);
step('worker memory');
const memory = await benchWorkerMemory();
absolute(`worker RSS with ${count(memory.queued)} queued`, `${memory.maxRssMb.toFixed(0)} MB`, '< 200 MB', memory.maxRssMb < 200);
step('Events API export');
const exported = await benchEventsExport();
const select = exported.rates['bare SELECT (pg)'];
// Two clients of the same JSON pages: one that asks for each page once it has parsed the last, and
// one that follows the Link header as soon as it arrives (bench/events-export.ts).
against('Events API export, JSON pages, one after another (records/s)', exported.rates['JSON pages (limit 1000)'], 'bare SELECT of the same rows', select, 0.6);
against('Events API export, JSON pages, next asked for by Link (records/s)', exported.rates['JSON pages, Link ahead'], 'bare SELECT of the same rows', select, 0.6);
against('Events API export, NDJSON (records/s)', exported.rates.NDJSON, 'bare SELECT of the same rows', select, 0.6);
step('poison events');
const poison = await benchPoison();
// bench/poison.ts calls the tenant it measures A and the poisoning one B: here it is the other way round.
against('ingest rate of tenant B while tenant A sends poison events (/s)', poison.withPoison, 'the same run without A', poison.alone, 0.9);
// The same two on the PostgreSQL queue store (TOCSIN_QUEUE=postgres), each against its own baseline.
step('single-event ingest, PostgreSQL queues');
const ingestPg = await benchIngest('postgres');
step('webhook delivery, PostgreSQL queues');
const deliveryPg = await benchDelivery('postgres');

const table = (head: string[], align: string[], lines: string[][]) => {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...lines.map(line)].join('\n');
};
const results = table(
  ['figure', 'Tocsin', 'baseline', 'baseline value', 'ratio', 'target', 'result'],
  ['l', 'r', 'l', 'r', 'r', 'l', 'l'],
  rows.map((r) => [r.figure, r.value, r.baseline, r.baselineValue, r.ratio, r.target, r.met ? 'met' : 'missed']),
);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const stores = table(
  ['figure', 'Redis', 'PostgreSQL', 'PostgreSQL / Redis'],
  ['l', 'r', 'r', 'r'],
  [
    ['single-event ingest (req/s)', count(ingest.tocsin), count(ingestPg.tocsin), ratio(ingestPg.tocsin, ingest.tocsin)],
    ['… as a ratio to its bare Express JSON POST', ratio(ingest.tocsin, ingest.bare), ratio(ingestPg.tocsin, ingestPg.bare), ''],
    ['webhook deliveries/s, one worker process', count(delivery.tocsin), count(deliveryPg.tocsin), ratio(deliveryPg.tocsin, delivery.tocsin)],
    ['bare BullMQ worker POSTing each job with got (/s)', count(delivery.bare), count(deliveryPg.bare), ratio(deliveryPg.bare, delivery.bare)],
    ['… Tocsin as a ratio to the bare worker on the same store', ratio(delivery.tocsin, delivery.bare), ratio(deliveryPg.tocsin, deliveryPg.bare), ''],
  ],
);
const notes = [
  'Webhook: every delivery to one sink, 32 sends in flight for both workers (Tocsin\'s bound per sink, 8 by default, set to the worker\'s 32).',
  `Splunk: ${count(splunk.tocsin)} events/s in ${count(splunk.requests)} HEC requests.`,
  `Latency: ${count(latency.sent)} events sent open-loop at ${count(latency.rate)}/s, half the end-to-end peak measured just before on the same api and worker (${count(latency.peakEvents)} events posted by 32 closed-loop producers for 4 s, ${count(latency.peak)}/s from the first post to the last arrival); they arrived at ${count(latency.arrivalRate)}/s${latency.arrivalRate < 0.95 * latency.rate ? ' (the system fell behind the rate: the latencies are mostly queueing)' : ''}; ${latency.missing} never arrived within 30 s.`,
  `Worker memory: ${memory.startRssMb.toFixed(0)} MB once started; ${count(memory.delivered)} of ${count(memory.queued)} delivered in the ${memory.seconds.toFixed(0)} s sampled.`,
  `Export: ${count(exported.events)} events; the read service alone (readPage, no HTTP) ${count(exported.rates['readPage, no HTTP'])} records/s, ${ratio(exported.rates['readPage, no HTTP'], select)} the bare SELECT.`,
  `Poison: with A's events valid instead, B keeps ${ratio(poison.withValid, poison.alone)} of its rate; A's events refused with a 400: ${count(poison.refused)}, other answers: ${poison.unexpected}.`,
];
process.stdout.write(`\n${results}\n\nQueue store (TOCSIN_QUEUE): the same runs on Redis and on PostgreSQL\n\n${stores}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);

const cpu = cpus();
/** The BENCH_* settings this run was made with, so a scaled-down run is never taken for a full one. */
const settings = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `\`${k}=${v}\``);
const sizes = settings.length ? `scaled with ${settings.join(', ')}` : 'the default sizes';
await writeFile(
  new URL('../docs/performance.md', import.meta.url),
  `# Performance

Measured by \`npm run bench\` on ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), shared with other work, Node ${process.version}.
On such a machine absolute numbers are noise, so every figure that can have one is a ratio to a
baseline measured in the same run, on the same PostgreSQL and Redis: the least the same job can
be done with (a bare Express endpoint, a bare BullMQ worker, a bare INSERT, a bare SELECT). The
rest (Splunk's rate, latency, memory) are held against absolute targets.

To reproduce: \`npm run bench\` (it overwrites this file). Smaller runs: \`BENCH_SECONDS\` (length of
each ingest and poison measurement, 8), \`BENCH_DELIVERIES\` (5,000), \`BENCH_SPLUNK_EVENTS\` (20,000),
\`BENCH_LATENCY_SECONDS\` (10), \`BENCH_QUEUED\` (100,000) and \`BENCH_MEMORY_SECONDS\` (30),
\`BENCH_EXPORT_EVENTS\` (50,000). Each benchmark also runs alone: \`npx tsx bench/<name>.ts\`
(batch-ingest, latency, worker-memory, events-export, poison).

This run: ${sizes}.

${results}

${notes.map((n) => `- ${n}`).join('\n')}

## Queue store

The single-event ingest and webhook delivery runs again with the queues on PostgreSQL
(\`TOCSIN_QUEUE=postgres\`, BullMQ's PostgreSQL backend), each against its own baseline.

${stores}

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
`,
);
process.exit(0);
