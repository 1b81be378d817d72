// Events API export throughput, as a ratio to a bare SELECT of the same rows in the same run.
//
//   npx tsx bench/events-export.ts [events]      (default BENCH_EXPORT_EVENTS, else 50000)
//
// bench/run.ts calls benchEventsExport; run alone, this prints its own table.
// Runs `tocsin api` in its own process on a fresh database (bench/lib/system.ts), as the other
// benchmarks do, so the reading client here does not share the server's event loop. Seeds one
// enterprise tenant, then exports the tenant's whole stream these ways, alternating, five rounds each:
//   bare SELECT   one query with the pg client (as the owner, no RLS, no HTTP), rows parsed by pg
//   JSON pages    GET /events/v1?limit=1000 following next_cursor, each page parsed (res.json())
//   Link ahead    the same pages, each asked for when the last one's headers arrive (its Link
//                 header), so the client parses one page while the api reads the next
//   NDJSON        GET /events/v1 with Accept: application/x-ndjson, the body read to the end
//   readPage      the read service alone in this process, 1000 a page (no HTTP, no JSON): where the time goes
// The machine is shared and noisy: read the ratios, not the absolute numbers.
import { randomBytes } from 'node:crypto';
import { AUDIT_EVENT_COLUMNS } from '@tocsin/db';
import { readPage } from '../apps/api/src/events/reader.js';
import type { CursorState } from '../apps/api/src/events/cursor.js';
import { startApi, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';

const PER_TRANSACTION = 1_000;
const ROUNDS = 5;

export interface ExportResult {
  events: number;
  seedSeconds: number;
  /** Median records/s of each mode, by name: see MODES. */
  rates: Record<ExportMode, number>;
}

const MODES = ['bare SELECT (pg)', 'JSON pages (limit 1000)', 'JSON pages, Link ahead', 'NDJSON', 'readPage, no HTTP'] as const;
export type ExportMode = (typeof MODES)[number];

export async function benchEventsExport(events = Number(process.env.BENCH_EXPORT_EVENTS ?? 50_000)): Promise<ExportResult> {
  const sys = await benchSystem();
  const api = await startApi(sys.env);
  try {
    const { tenantId, token, owner: client } = sys;
    const apiUrl = `http://127.0.0.1:${api.port}`;

    const seedStart = performance.now();
    for (let done = 0; done < events; done += PER_TRANSACTION) {
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
        [tenantId, randomBytes(48).toString('base64'), done, Math.min(done + PER_TRANSACTION, events) - 1],
      );
      await client.query('COMMIT');
    }
    await client.query('ANALYZE audit_event');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    // The Events API reads behind the server's oldest open transaction (reader.ts, barrier): on a
    // PostgreSQL shared with other work, one that began before the seed ended would hide rows.
    const barrierPassed = async () =>
      (await client.query('SELECT pg_snapshot_xmin(pg_current_snapshot()) > max(txid) AS passed FROM audit_event WHERE tenant_id = $1', [tenantId])).rows[0].passed as boolean;
    for (const deadline = performance.now() + 30_000; !(await barrierPassed()); ) {
      if (performance.now() > deadline) throw new Error('an open transaction on the server has hidden the seeded events for 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    const bare = async () => {
      const res = await client.query(`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event WHERE tenant_id = $1 ORDER BY txid, seq`, [tenantId]);
      return res.rowCount ?? 0;
    };
    const headers = { authorization: `Bearer ${token}` };
    const pages = async () => {
      let n = 0;
      let url = `${apiUrl}/events/v1?limit=1000`;
      for (;;) {
        const res = await fetch(url, { headers });
        if (res.status !== 200) throw new Error(`GET → ${res.status}`);
        const body = (await res.json()) as { data: unknown[]; next_cursor: string | null };
        n += body.data.length;
        if (body.data.length < 1000 || body.next_cursor === null) return n;
        url = `${apiUrl}/events/v1?limit=1000&cursor=${body.next_cursor}`;
      }
    };
    // As a client that follows the Link header: the next page is asked for as soon as this one's
    // headers arrive, so parsing this body overlaps the server reading the next.
    const linked = async () => {
      let n = 0;
      let url = `${apiUrl}/events/v1?limit=1000`;
      let pending = fetch(url, { headers });
      for (;;) {
        const res = await pending;
        if (res.status !== 200) throw new Error(`GET → ${res.status}`);
        const link = res.headers.get('link')?.match(/^<([^>]+)>; rel="next"$/)?.[1];
        if (link) pending = fetch((url = new URL(link, url).href), { headers });
        const body = (await res.json()) as { data: unknown[] };
        n += body.data.length;
        if (body.data.length < 1000 || !link) {
          // A short page is the stream's end for now; the live stream's Link then names where to go on from later.
          if (link) await (await pending).body?.cancel();
          return n;
        }
      }
    };
    const ndjson = async () => {
      const res = await fetch(`${apiUrl}/events/v1`, { headers: { ...headers, accept: 'application/x-ndjson' } });
      if (res.status !== 200 || !res.body) throw new Error(`GET → ${res.status}`);
      let n = 0;
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n += 1;
      }
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

    const modes: Record<ExportMode, () => Promise<number>> = { 'bare SELECT (pg)': bare, 'JSON pages (limit 1000)': pages, 'JSON pages, Link ahead': linked, NDJSON: ndjson, 'readPage, no HTTP': service };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
    for (const run of Object.values(modes)) await run(); // warm-up: plans, pools, JIT
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(modes)) {
        const start = performance.now();
        const n = await run();
        times[name]!.push((performance.now() - start) / 1000);
        if (n !== events) throw new Error(`${name} returned ${n} records, expected ${events}`);
      }
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rates = Object.fromEntries(MODES.map((name) => [name, events / median(times[name]!)])) as Record<ExportMode, number>;
    return { events, seedSeconds, rates };
  } finally {
    await stop(api.child);
    await sys.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { events, seedSeconds, rates } = await benchEventsExport(process.argv[2] ? Number(process.argv[2]) : undefined);
  const baseline = rates['bare SELECT (pg)'];
  console.log(`\nEvents API export, ${events} events (seeded in ${seedSeconds.toFixed(1)} s), median of ${ROUNDS} rounds\n`);
  console.log(`| mode                    | seconds | records/s | × bare SELECT |`);
  console.log(`|-------------------------|--------:|----------:|--------------:|`);
  for (const name of MODES) {
    console.log(`| ${name.padEnd(23)} | ${(events / rates[name]).toFixed(2).padStart(7)} | ${Math.round(rates[name]).toString().padStart(9)} | ${(rates[name] / baseline).toFixed(2).padStart(13)} |`);
  }
  process.exit(0);
}
