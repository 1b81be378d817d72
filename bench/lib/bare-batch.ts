// Baseline for batch ingest: the least a service can do to store a batch of events with a
// delivery each and queue the deliveries. Per batch, one statement (a multi-row INSERT of the
// events into bare_event, its RETURNING feeding the deliveries' INSERT into bare_delivery: tables
// like audit_event and delivery, same columns, indexes and foreign keys), then one addBulk to Redis.
// `concurrency` loops for 1 s of warm-up and `seconds` measured. Prints the rate as JSON.
//
//   tsx bench/lib/bare-batch.ts <database url> <redis url> <tenant id> <sink id> <seconds> <concurrency> <batch size>
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { lookupAction } from '@tocsin/catalog';
import { benchEvent } from './event.js';

const [databaseUrl, redisUrl, tenantId, sinkId, secondsArg, concurrencyArg, batchArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const batchSize = Number(batchArg);
const entry = lookupAction('HONEYTOKEN_TRIPPED')!;

const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
const redis = new Redis(redisUrl!, { maxRetriesPerRequest: null });
const queue = new Queue('bare', { connection: redis, prefix: `bench${process.pid}` });

// Placeholders $2 … for the events (12 a row; $1 is the tenant), then two a delivery and the sink.
const EVENT_COLUMNS = 12;
const values = (rows: number, width: number, from: number, row: (p: (k: number) => string) => string) =>
  Array.from({ length: rows }, (_, r) => row((k) => `$${from + r * width + k}`)).join(', ');
const eventsEnd = 2 + batchSize * EVENT_COLUMNS;
const SQL = `WITH e AS (
    INSERT INTO bare_event (tenant_id, id, action, title, category, severity, level, catalog, actor, resource, source_ip, detail, occurred_at)
    VALUES ${values(batchSize, EVENT_COLUMNS, 2, (p) => `($1, ${Array.from({ length: EVENT_COLUMNS }, (_, k) => p(k)).join(', ')})`)}
    RETURNING tenant_id, id)
  INSERT INTO bare_delivery (id, tenant_id, event_id, sink_id, channel, next_attempt_at)
  SELECT d.id::uuid, e.tenant_id, e.id, $${eventsEnd + 2 * batchSize}::uuid, 'webhook', now() + interval '60 seconds'
    FROM (VALUES ${values(batchSize, 2, eventsEnd, (p) => `(${p(0)}, ${p(1)}::uuid)`)}) AS d(id, event_id) JOIN e ON e.id = d.event_id`;

let stored = 0;
async function batch(): Promise<void> {
  const now = new Date().toISOString();
  const events = Array.from({ length: batchSize }, benchEvent);
  const deliveries = events.map((e) => ({ id: randomUUID(), eventId: e.id }));
  const params: unknown[] = [tenantId];
  for (const e of events) {
    params.push(e.id, entry.action, entry.title, entry.category, entry.severity, null, true, JSON.stringify(e.actor), null, e.source_ip, JSON.stringify(e.detail), now);
  }
  for (const d of deliveries) params.push(d.id, d.eventId);
  params.push(sinkId);
  await pool.query(SQL, params);
  stored += batchSize;
  await queue.addBulk(deliveries.map((d) => ({ name: 'deliver', data: { delivery_id: d.id, tenant_id: tenantId, sink_id: sinkId } })));
}

async function run(forSeconds: number): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + forSeconds * 1000;
  let events = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      await batch();
      events += batchSize;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { events, seconds: (performance.now() - started) / 1000 };
}

await run(1); // warm-up
const measured = await run(seconds);
process.stdout.write(`${JSON.stringify({ ...measured, perSecond: measured.events / measured.seconds, stored })}\n`);
await queue.obliterate({ force: true });
await queue.close();
redis.disconnect();
await pool.end();
process.exit(0);
