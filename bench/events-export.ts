// Events API export throughput, as a ratio to a bare SELECT of the same rows in the same run.
//
//   npx tsx bench/events-export.ts [events]      (default 50000)
//
// Starts a whole system on a fresh test database (test/support/system.ts), seeds one enterprise
// tenant, then exports the tenant's whole stream three ways, alternating, three rounds each:
//   bare SELECT   one query with the pg client (as the owner, no RLS, no HTTP), rows parsed by pg
//   JSON pages    GET /events/v1?limit=1000 following next_cursor, each page parsed (res.json())
//   NDJSON        GET /events/v1 with Accept: application/x-ndjson, the body read to the end
//   readPage      the read service alone, 1000 a page (no HTTP, no JSON): where the time goes
// The machine is shared and noisy: read the ratios, not the absolute numbers.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AUDIT_EVENT_COLUMNS } from '@tocsin/db';
import { readPage } from '../apps/api/src/events/reader.js';
import type { CursorState } from '../apps/api/src/events/cursor.js';
import { startSystem } from '../test/support/system.js';

const EVENTS = Number(process.argv[2] ?? 50_000);
const PER_TRANSACTION = 1_000;
const ROUNDS = 3;

const sys = await startSystem({ worker: false, config: { LOG_LEVEL: 'silent' } });
try {
  const { tenantId } = await sys.tenant('enterprise');
  const token = await sys.token(tenantId, ['events:read']);
  const client = new pg.Client({ connectionString: sys.config.DATABASE_URL });
  client.on('error', () => undefined); // the database is dropped under it at the end
  await client.connect();

  const seedStart = performance.now();
  for (let done = 0; done < EVENTS; done += PER_TRANSACTION) {
    // One transaction per batch, like ingest: many txids, seq in order inside each.
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO audit_event (tenant_id, id, action, title, category, severity, catalog, actor, resource, source_ip, detail, occurred_at)
       SELECT $1, gen_random_uuid(),
              CASE WHEN g % 2 = 0 THEN 'JIT_APPROVED' ELSE 'custom.bench' END,
              CASE WHEN g % 2 = 0 THEN 'Just-in-time access approved' ELSE 'custom.bench' END,
              CASE WHEN g % 2 = 0 THEN 'access' END, 'medium', g % 2 = 0,
              jsonb_build_object('id', 'u-' || g, 'type', 'user', 'name', 'User ' || g),
              jsonb_build_object('id', 'r-' || g, 'type', 'server', 'name', 'db-' || (g % 50)),
              ('192.0.2.' || (g % 250 + 1))::inet,
              jsonb_build_object('n', g, 'reason', 'benchmark', 'ticket', 'SEC-' || g, 'note', $2::text),
              now()
         FROM generate_series($3::int, $4::int) g`,
      [tenantId, randomBytes(48).toString('base64'), done, Math.min(done + PER_TRANSACTION, EVENTS) - 1],
    );
    await client.query('COMMIT');
  }
  await client.query('ANALYZE audit_event');
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const bare = async () => {
    const res = await client.query(`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event WHERE tenant_id = $1 ORDER BY txid, seq`, [tenantId]);
    return res.rowCount ?? 0;
  };
  const headers = { authorization: `Bearer ${token}` };
  const pages = async () => {
    let n = 0;
    let url = `${sys.url}/events/v1?limit=1000`;
    for (;;) {
      const res = await fetch(url, { headers });
      if (res.status !== 200) throw new Error(`GET → ${res.status}`);
      const body = (await res.json()) as { data: unknown[]; next_cursor: string | null };
      n += body.data.length;
      if (body.data.length < 1000 || body.next_cursor === null) return n;
      url = `${sys.url}/events/v1?limit=1000&cursor=${body.next_cursor}`;
    }
  };
  const ndjson = async () => {
    const res = await fetch(`${sys.url}/events/v1`, { headers: { ...headers, accept: 'application/x-ndjson' } });
    if (res.status !== 200 || !res.body) throw new Error(`GET → ${res.status}`);
    let n = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) for (const b of chunk) if (b === 10) n += 1;
    return n;
  };

  const service = async () => {
    let n = 0;
    let from: CursorState | { from: null; to: null } = { from: null, to: null };
    for (;;) {
      const page = await readPage(sys.db, tenantId, from, 1000, { settleMs: 10_000 });
      n += page.records.length;
      if (page.records.length < 1000 || !page.next) return n;
      from = page.next;
    }
  };

  const modes = { 'bare SELECT (pg)': bare, 'JSON pages (limit 1000)': pages, NDJSON: ndjson, 'readPage, no HTTP': service } as const;
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
  for (const run of Object.values(modes)) await run(); // warm-up: plans, pools, JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(modes)) {
      const start = performance.now();
      const n = await run();
      times[name]!.push((performance.now() - start) / 1000);
      if (n !== EVENTS) throw new Error(`${name} returned ${n} records, expected ${EVENTS}`);
    }
  }
  await client.end();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rate = (name: string) => EVENTS / median(times[name]!);
  const baseline = rate('bare SELECT (pg)');
  console.log(`\nEvents API export, ${EVENTS} events (seeded in ${seedSeconds.toFixed(1)} s), median of ${ROUNDS} rounds\n`);
  console.log(`| mode                    | seconds | records/s | × bare SELECT |`);
  console.log(`|-------------------------|--------:|----------:|--------------:|`);
  for (const name of Object.keys(modes)) {
    console.log(`| ${name.padEnd(23)} | ${median(times[name]!).toFixed(2).padStart(7)} | ${Math.round(rate(name)).toString().padStart(9)} | ${(rate(name) / baseline).toFixed(2).padStart(13)} |`);
  }
} finally {
  await sys.close();
}
