/**
 * `npm run bench`: every benchmark, each reported as a ratio to a baseline measured in the same
 * run on the same machine (absolute numbers on a shared 2-core machine are noise; ratios less so).
 */
import { benchDelivery } from './delivery.js';
import { benchIngest } from './ingest.js';
import { benchPoison } from './poison.js';
import { benchSplunk } from './splunk.js';

const fmt = (n: number) => n.toFixed(0).padStart(8);
const rows: [string, string, number, number][] = [];

const ingest = await benchIngest();
rows.push(['ingest, single events (req/s)', 'bare Express JSON POST', ingest.tocsin, ingest.bare]);
const poison = await benchPoison();
rows.push(['ingest, tenant A, B sending refused (/s)', 'tenant A alone, same run', poison.withPoison, poison.alone]);
const delivery = await benchDelivery();
rows.push(['webhook deliveries per worker process (/s)', 'bare BullMQ worker + got', delivery.tocsin, delivery.bare]);
// The same two on the PostgreSQL queue store (TOCSIN_QUEUE=postgres), each against its own baseline.
const ingestPg = await benchIngest('postgres');
rows.push(['ingest, single events, PG queues (req/s)', 'bare Express JSON POST', ingestPg.tocsin, ingestPg.bare]);
const deliveryPg = await benchDelivery('postgres');
rows.push(['webhook deliveries, PG queues (/s)', 'bare BullMQ worker + got, PG', deliveryPg.tocsin, deliveryPg.bare]);
const splunk = await benchSplunk();
rows.push(['Splunk HEC events per worker process (/s)', 'webhook deliveries, same run', splunk.tocsin, delivery.tocsin]);

process.stdout.write('\nbenchmark                                        tocsin  baseline  ratio  (baseline)\n');
for (const [name, baseline, t, b] of rows) {
  process.stdout.write(`${name.padEnd(46)} ${fmt(t)}  ${fmt(b)}  ${(t / b).toFixed(2).padStart(5)}  (${baseline})\n`);
}
process.stdout.write('\nqueue store                                   Redis  PostgreSQL  PG/Redis\n');
for (const [name, r, p] of [
  ['ingest, single events (req/s)', ingest.tocsin, ingestPg.tocsin],
  ['webhook deliveries per worker process (/s)', delivery.tocsin, deliveryPg.tocsin],
  ['bare BullMQ worker + got (/s)', delivery.bare, deliveryPg.bare],
] as const) {
  process.stdout.write(`${name.padEnd(42)} ${fmt(r)}  ${fmt(p)}    ${(p / r).toFixed(2).padStart(5)}\n`);
}
process.stdout.write(`\nSplunk: ${splunk.tocsin.toFixed(0)} events/s in ${splunk.requests} HEC requests (target: at least 10,000 events/s)\n`);
process.stdout.write(`Poison: tenant A keeps ${(poison.withPoison / poison.alone).toFixed(2)} of its rate while B's events are refused (target: at least 0.9); with B's events valid instead, ${(poison.withValid / poison.alone).toFixed(2)}\n`);
process.exit(0);
