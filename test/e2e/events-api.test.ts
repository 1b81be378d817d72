import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { Prisma } from '@tocsin/db';
import { edgeSql, pageSql, txidInSql } from '../../apps/api/src/events/reader.js';
import { untilPastBarrier } from '../support/barrier.js';
import { startSystem, type System } from '../support/system.js';

/** Short, so windows close within a test; far above how long the test's own transactions last. */
const SETTLE_MS = 1_000;
const RECORD_KEYS = ['action', 'actor', 'category', 'detail', 'id', 'level', 'occurred_at', 'received_at', 'resource', 'severity', 'source_ip', 'tenant_id', 'title'];

let sys: System;

beforeAll(async () => {
  sys = await startSystem({ worker: false, config: { TOCSIN_EVENTS_SETTLE_MS: SETTLE_MS } });
});
afterAll(async () => sys?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tenant {
  tenantId: string;
  writer: string;
  reader: string;
}

async function enterprise(): Promise<Tenant> {
  const t = await sys.tenant('enterprise');
  return { tenantId: t.tenantId, writer: await sys.token(t.tenantId, ['events:write']), reader: await sys.token(t.tenantId, ['events:read']) };
}

/** Posts `count` events through the API in batches; every other one is a catalog action. Returns their ids in post order. */
async function post(token: string, count: number, batch = 1000, tag = 'seed'): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += batch) {
    const events = Array.from({ length: Math.min(batch, count - done) }, (_, i) => {
      const n = done + i;
      return { id: randomUUID(), action: n % 2 ? 'JIT_APPROVED' : 'custom.export_test', detail: { n, tag } };
    });
    const res = await sys.request('POST', '/v1/events', token, { events });
    expect(res.status).toBe(202);
    ids.push(...events.map((e) => e.id));
  }
  return ids;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  return `/events/v1?${q}`;
}

interface Page {
  data: { id: string; received_at: string }[];
  next_cursor: string | null;
}

async function getPage(token: string, params: Record<string, string | number | undefined>): Promise<Page> {
  const res = await sys.request('GET', query(params), token);
  if (res.status !== 200) throw new Error(`GET ${query(params)} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Page;
}

/** Follows next_cursor until it is null (a closed window), failing after `timeoutMs`. */
async function walkClosed(token: string, params: Record<string, string | number | undefined>, timeoutMs = 30_000): Promise<{ ids: string[]; pages: Page[] }> {
  const deadline = Date.now() + timeoutMs;
  const pages: Page[] = [];
  let page = await getPage(token, params);
  for (;;) {
    pages.push(page);
    if (page.next_cursor === null) break;
    if (Date.now() > deadline) throw new Error('the window never completed');
    if (page.data.length < Number(params.limit ?? 100)) await sleep(50); // behind the barrier: wait a little
    page = await getPage(token, { cursor: page.next_cursor, limit: params.limit });
  }
  return { ids: pages.flatMap((p) => p.data.map((r) => r.id)), pages };
}

/** The tenant's events in the API's order, straight from the table. */
async function storedOrder(tenantId: string): Promise<string[]> {
  const rows = await sys.db.withTenant(tenantId, (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM audit_event ORDER BY txid, seq`);
  return rows.map((r) => r.id);
}

function expectExactlyOnce(ids: string[], expected: string[]): void {
  expect(new Set(ids).size).toBe(ids.length); // no repeats
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids)).toEqual(new Set(expected));
}

/** A client of its own on the test database, as the postgres user (it bypasses RLS; used to hold transactions open). */
async function rawClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: sys.config.DATABASE_URL });
  await client.connect();
  return client;
}

async function insertInOpenTransaction(client: pg.Client, tenantId: string): Promise<string> {
  const id = randomUUID();
  await client.query('BEGIN');
  await client.query(`SELECT set_config('tocsin.tenant_id', $1, true)`, [tenantId]);
  await client.query(`INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at) VALUES ($1, $2, 'slow.commit', 'slow.commit', 'low', false, now())`, [tenantId, id]);
  return id;
}

describe('walking pages', () => {
  let t: Tenant;
  let seeded: string[];
  let from: string;
  let to: string;

  beforeAll(async () => {
    t = await enterprise();
    from = new Date(Date.now() - 1_000).toISOString();
    seeded = await post(t.writer, 10_000);
    await sleep(20);
    to = new Date().toISOString();
    await sleep(SETTLE_MS + 50); // the window closes
    // Every test below reads the whole window at once: none may depend on an earlier one's walk.
    await untilPastBarrier(sys.db, t.tenantId);
  });

  test('10,000 events with limit 1000: each exactly once, in (txid, seq) order, then next_cursor null', async () => {
    const { ids, pages } = await walkClosed(t.reader, { from, to, limit: 1000 });
    expectExactlyOnce(ids, seeded);
    expect(ids).toEqual(await storedOrder(t.tenantId));
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(pages.length).toBeLessThanOrEqual(11);
    for (const p of pages.slice(0, 10)) expect(p.data).toHaveLength(1000);
    expect(pages.at(-1)!.next_cursor).toBeNull();
  });

  test('each page but the last names the next in a Link header: the same query, the cursor replaced', async () => {
    const viaCursor = await walkClosed(t.reader, { from, to, limit: 1000 });
    const pages: Page[] = [];
    let path: string | undefined = query({ from, to, limit: 1000 });
    while (path) {
      const res = await sys.request('GET', path, t.reader);
      expect(res.status).toBe(200);
      const page = res.body as Page;
      pages.push(page);
      const link = res.headers.get('link');
      if (page.next_cursor === null) {
        expect(link).toBeNull();
        break;
      }
      expect(link).toMatch(/^<\?[^<>\s]+>; rel="next"$/);
      const next: URL = new URL(link!.slice(1, link!.indexOf('>')), `http://api${path}`);
      expect(Object.fromEntries(next.searchParams)).toEqual({ from, to, limit: '1000', cursor: page.next_cursor });
      path = `${next.pathname}${next.search}`;
    }
    expect(pages.map((p) => p.data.map((r) => r.id))).toEqual(viaCursor.pages.map((p) => p.data.map((r) => r.id)));
  });

  test('records are the flat normalized records, catalog and non-catalog alike', async () => {
    const page = await getPage(t.reader, { from, to, limit: 2 });
    expect(page.data).toHaveLength(2);
    for (const record of page.data) expect(Object.keys(record).sort()).toEqual(RECORD_KEYS);
    const [custom, catalog] = page.data as unknown as Record<string, unknown>[];
    expect(custom).toMatchObject({ action: 'custom.export_test', title: 'custom.export_test', category: null, tenant_id: t.tenantId, detail: { n: 0, tag: 'seed' } });
    expect(catalog).toMatchObject({ action: 'JIT_APPROVED', category: 'access', tenant_id: t.tenantId, detail: { n: 1, tag: 'seed' } });
  });

  test('limit defaults to 100', async () => {
    const page = await getPage(t.reader, { from, to });
    expect(page.data).toHaveLength(100);
    expect(page.next_cursor).toEqual(expect.any(String));
  });

  test('NDJSON streams the whole window in the same order, without a trailer cursor once complete', async () => {
    const res = await streamNdjson(t.reader, { from, to });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/x-ndjson/);
    const ids = res.lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(await storedOrder(t.tenantId));
    expect(res.trailer).toBeUndefined();
  });

  test('pages are ordered index scans of (tenant_id, txid, seq); the window start comes from the received_at index', async () => {
    const plan = async (sql: Prisma.Sql) =>
      JSON.stringify(
        await sys.db.withTenant(t.tenantId, async (tx) => {
          await tx.$queryRaw`SELECT set_config('enable_sort', 'off', true)`;
          return tx.$queryRaw(Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`);
        }),
      );
    const window = { from: new Date(from), to: new Date(to) };
    const page = await plan(pageSql(t.tenantId, window, { txid: '0', seq: '0' }, '99999999', '99999999', 1000));
    expect(page).toContain('"Index Name":"audit_event_tenant_txid_seq_idx"');
    expect(page).not.toMatch(/Seq Scan|"Node Type":"Sort"|Bitmap/);
    const firstSeconds = { from: window.from, to: new Date(window.from.getTime() + SETTLE_MS) };
    for (const bound of [edgeSql(t.tenantId, window, 'min'), edgeSql(t.tenantId, window, 'max'), txidInSql(t.tenantId, firstSeconds, 'min')]) {
      const p = await plan(bound);
      expect(p).toContain('"Index Name":"audit_event_tenant_received_at_idx"');
      expect(p).not.toMatch(/Seq Scan|audit_event_tenant_txid_seq_idx/);
    }
  });
});

test('1,000 events arriving during a walk: none repeated, none of the earlier ones missing', async () => {
  const t = await enterprise();
  const from = new Date(Date.now() - 1_000).toISOString();
  const earlier = await post(t.writer, 10_000);
  const later: string[] = [];
  let ingesting = true;
  const arrivals = (async () => {
    for (let i = 0; i < 20; i++) {
      later.push(...(await post(t.writer, 50, 50, 'late')));
      await sleep(10);
    }
    ingesting = false;
  })();

  const seen: string[] = [];
  let cursor: string | undefined;
  const deadline = Date.now() + 30_000;
  while (ingesting || seen.length < earlier.length + later.length) {
    if (Date.now() > deadline) throw new Error(`walk stalled at ${seen.length}`);
    const page = await getPage(t.reader, cursor ? { cursor, limit: 1000 } : { from, limit: 1000 });
    seen.push(...page.data.map((r) => r.id));
    expect(page.next_cursor).not.toBeNull(); // open-ended: always somewhere to resume from
    cursor = page.next_cursor!;
    if (page.data.length < 1000) await sleep(20);
  }
  await arrivals;
  expectExactlyOnce(seen, [...earlier, ...later]);
  expect(seen).toEqual(await storedOrder(t.tenantId));
  // Caught up: the next page is empty and still hands back a cursor.
  const tail = await getPage(t.reader, { cursor: cursor! });
  expect(tail.data).toEqual([]);
  expect(tail.next_cursor).toEqual(expect.any(String));
});

test('a transaction that commits after a later one is not skipped by a client polling with the cursor', async () => {
  const t = await enterprise();
  const from = new Date(Date.now() - 1_000).toISOString();
  const before = await post(t.writer, 3);
  const slow = await rawClient();
  try {
    const slowId = await insertInOpenTransaction(slow, t.tenantId); // txid A, still open
    const [fastId] = await post(t.writer, 1); // txid B > A, committed
    // Read until the earlier events are through (other clients' transactions may hold the barrier
    // too), then once more: B stays held back for as long as A is open.
    const seen: string[] = [];
    let cursor: string | undefined;
    const deadline = Date.now() + 20_000;
    for (let extra = 1; seen.length < before.length || extra-- > 0; ) {
      if (Date.now() > deadline) throw new Error('the earlier events never came through');
      const page = await getPage(t.reader, cursor ? { cursor } : { from });
      seen.push(...page.data.map((r) => r.id));
      expect(page.next_cursor).not.toBeNull();
      cursor = page.next_cursor!;
      await sleep(20);
    }
    expect(seen).toEqual(before);
    await slow.query('COMMIT');

    while (seen.length < 5) {
      if (Date.now() > deadline) throw new Error(`missing events after the late commit: saw ${seen.length}`);
      const page = await getPage(t.reader, { cursor });
      seen.push(...page.data.map((r) => r.id));
      cursor = page.next_cursor!;
      await sleep(20);
    }
    expect(seen).toEqual([...before, slowId, fastId!]); // A before B: the commit order does not matter
    const tail = await getPage(t.reader, { cursor });
    expect(tail.data).toEqual([]);
  } finally {
    await slow.end();
  }
});

test('a closed window keeps a cursor while rows are behind the barrier, and ends (null) once they are returned', async () => {
  const t = await enterprise();
  const from = new Date(Date.now() - 1_000).toISOString();
  const blocker = await rawClient();
  try {
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()'); // holds xmin, writes nothing in the window
    const ids = await post(t.writer, 5);
    await sleep(20);
    const to = new Date().toISOString();
    await sleep(SETTLE_MS + 50);
    const held = await getPage(t.reader, { from, to });
    expect(held.data).toEqual([]);
    expect(held.next_cursor).not.toBeNull();
    await blocker.query('COMMIT');
    const { ids: got } = await walkClosed(t.reader, { cursor: held.next_cursor!, from, to });
    expect(got).toEqual(ids);
  } finally {
    await blocker.end();
  }
});

test('hourly-style polling of consecutive windows while events flow: every event exactly once', async () => {
  const t = await enterprise();
  const ingested: string[] = [];
  let ingesting = true;
  const start = new Date(Date.now() - 5);
  const producer = (async () => {
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      ingested.push(...(await post(t.writer, 20, 20, 'flow')));
      await sleep(15);
    }
    ingesting = false;
  })();

  // Each tick reads the window that just ended, then follows every window not yet complete.
  const open: { cursor: string }[] = [];
  const seen: string[] = [];
  let windowStart = start;
  const follow = async (params: Record<string, string | number>): Promise<string | null> => {
    for (;;) {
      const page = await getPage(t.reader, { ...params, limit: 50 });
      seen.push(...page.data.map((r) => r.id));
      if (page.next_cursor === null || page.data.length < 50) return page.next_cursor;
      params = { cursor: page.next_cursor };
    }
  };
  const deadline = Date.now() + 30_000;
  let lastWindow = false;
  while (!lastWindow || open.length > 0) {
    if (Date.now() > deadline) throw new Error('polling never completed');
    await sleep(300);
    if (!lastWindow) {
      lastWindow = !ingesting; // the window after the producer stopped is the last one
      if (lastWindow) await sleep(5); // received_at is stored in whole milliseconds
      const windowEnd = new Date();
      const cursor = await follow({ from: windowStart.toISOString(), to: windowEnd.toISOString() });
      windowStart = windowEnd;
      if (cursor) open.push({ cursor });
    }
    for (const w of open.splice(0)) {
      const next = await follow({ cursor: w.cursor });
      if (next) open.push({ cursor: next });
    }
  }
  await producer;
  expectExactlyOnce(seen, ingested);
});

test('a date-only `to` includes that whole day; a timestamp with an offset is an instant', async () => {
  const t = await enterprise();
  const at = (iso: string) => ({ id: randomUUID(), receivedAt: new Date(iso) });
  const rows = [at('2026-01-14T23:59:59.999Z'), at('2026-01-15T00:00:00.000Z'), at('2026-01-15T23:59:59.999Z'), at('2026-01-16T00:00:00.000Z')];
  await sys.db.withTenant(t.tenantId, (tx) =>
    tx.auditEvent.createMany({
      data: rows.map((r) => ({ tenantId: t.tenantId, id: r.id, action: 'backfilled', title: 'backfilled', severity: 'low', catalog: false, occurredAt: r.receivedAt, receivedAt: r.receivedAt })),
    }),
  );
  const day = await walkClosed(t.reader, { from: '2026-01-15', to: '2026-01-15' });
  expect(day.ids).toEqual([rows[1]!.id, rows[2]!.id]);
  const shifted = await walkClosed(t.reader, { from: '2026-01-15T01:00:00+01:00', to: '2026-01-16T00:00:00.000Z' });
  expect(shifted.ids).toEqual([rows[1]!.id, rows[2]!.id]);
  const empty = await getPage(t.reader, { from: '2025-01-01', to: '2025-12-31' });
  expect(empty).toEqual({ data: [], next_cursor: null });
});

test('an open-ended NDJSON stream ends at the barrier with a trailer cursor that continues the stream', async () => {
  const t = await enterprise();
  const from = new Date(Date.now() - 1_000).toISOString();
  const first = await post(t.writer, 1_500);
  await untilPastBarrier(sys.db, t.tenantId);
  const res = await streamNdjson(t.reader, { from });
  expect(res.lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(first);
  expect(res.trailer).toEqual(expect.any(String));
  const more = await post(t.writer, 3);
  await untilPastBarrier(sys.db, t.tenantId);
  const page = await getPage(t.reader, { cursor: res.trailer! });
  expect(page.data.map((r) => r.id)).toEqual(more);
});

describe('tenant isolation', () => {
  test("a tenant reads only its own events, and another tenant's cursor is refused", async () => {
    const a = await enterprise();
    const b = await enterprise();
    const from = new Date(Date.now() - 1_000).toISOString();
    const aIds = await post(a.writer, 30);
    const bIds = await post(b.writer, 20);
    await untilPastBarrier(sys.db, a.tenantId);
    await untilPastBarrier(sys.db, b.tenantId);
    const pageA = await getPage(a.reader, { from, limit: 1000 });
    const pageB = await getPage(b.reader, { from, limit: 1000 });
    expect(pageA.data.map((r) => r.id)).toEqual(aIds);
    expect(pageB.data.map((r) => r.id)).toEqual(bIds);
    expect(pageA.data.every((r) => (r as unknown as { tenant_id: string }).tenant_id === a.tenantId)).toBe(true);

    const small = await getPage(a.reader, { from, limit: 5 });
    const stolen = await sys.request('GET', query({ cursor: small.next_cursor! }), b.reader);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.code).toBe('invalid_cursor');
  });
});

describe('cursors', () => {
  let t: Tenant;
  let cursor: string;
  const from = '2020-01-01';

  beforeAll(async () => {
    t = await enterprise();
    await post(t.writer, 10);
    await untilPastBarrier(sys.db, t.tenantId); // the cursor tests read pages 1 and 2 in full
    cursor = (await getPage(t.reader, { from, limit: 3 })).next_cursor!;
  });

  const alter = (c: string, change: (p: Record<string, unknown>) => void) => {
    const [body, mac] = c.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    change(payload);
    return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
  };

  test.each([
    ['a forged cursor', () => 'eyJ2IjoxfQ.AAAA'],
    ['garbage', () => 'not a cursor'],
    ['a cursor with its position moved', () => alter(cursor, (p) => (p.x = '1'))],
    ['a cursor with its window widened', () => alter(cursor, (p) => (p.f = null))],
    ['a cursor with another MAC', () => `${cursor.split('.')[0]}.${Buffer.alloc(32, 7).toString('base64url')}`],
    ['a cursor with a truncated MAC', () => cursor.slice(0, -4)],
  ])('%s → 400 invalid_cursor', async (_name, make) => {
    const res = await sys.request('GET', query({ cursor: make() }), t.reader);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['cursor']);
  });

  test('a cursor with another from/to → 400 invalid_cursor; with the same one (or none) it continues', async () => {
    const other = await sys.request('GET', query({ cursor, from: '2021-01-01' }), t.reader);
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('invalid_cursor');
    const same = await sys.request('GET', query({ cursor, from: '2020-01-01T00:00:00Z', limit: 3 }), t.reader);
    const bare = await sys.request('GET', query({ cursor, limit: 3 }), t.reader);
    expect(same.status).toBe(200);
    expect(same.body.data).toHaveLength(3);
    expect(bare.body).toEqual(same.body);
  });
});

describe('access', () => {
  test.each(['free', 'team'] as const)('a %s tenant → 403 plan_required', async (plan) => {
    const t = await sys.tenant(plan);
    const reader = await sys.token(t.tenantId, ['events:read']);
    for (const token of [reader, t.token]) {
      const res = await sys.request('GET', '/events/v1', token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('plan_required');
    }
  });

  test('a token without events:read → 403 insufficient_scope; no token → 401', async () => {
    const t = await enterprise();
    const res = await sys.request('GET', '/events/v1', t.writer);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_scope');
    const anonymous = await sys.request('GET', '/events/v1', undefined);
    expect(anonymous.status).toBe(401);
  });
});

describe('bad query parameters → 400 with field details', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await enterprise();
  });

  test.each([
    ['from=2026-13-01', ['from']],
    ['from=2026-02-30', ['from']],
    ['from=yesterday', ['from']],
    ['to=2026-06-01T10:00:00', ['to']], // no offset: ambiguous
    ['limit=0', ['limit']],
    ['limit=1001', ['limit']],
    ['limit=ten', ['limit']],
    ['limit=1.5', ['limit']],
    ['from=2026-06-02&to=2026-06-01', ['to']],
    ['from=2026-06-02T00:00:00Z&to=2026-06-01', ['to']], // to=2026-06-01 ends at 06-02T00:00Z: empty
    ['form=2026-06-01', ['form']],
    ['from=2026-13-01&limit=0', ['from', 'limit']],
    ['limit=5&limit=6', ['limit']],
  ])('%s', async (qs, paths) => {
    const res = await sys.request('GET', `/events/v1?${qs}`, t.reader);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([...paths].sort());
  });

  test('limit 1 and 1000 are accepted', async () => {
    for (const limit of [1, 1000]) expect((await sys.request('GET', `/events/v1?limit=${limit}`, t.reader)).status).toBe(200);
  });
});

/** Reads an NDJSON response with node:http, which exposes HTTP trailers. */
function streamNdjson(token: string, params: Record<string, string>): Promise<{ status: number; contentType: string; lines: string[]; trailer: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${sys.url}${query(params)}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type']),
          lines: text.split('\n').filter(Boolean),
          trailer: res.trailers['tocsin-next-cursor'],
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
