import { randomUUID } from 'node:crypto';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { deliveryDetailResponse, deliveryListResponse } from '../../apps/api/src/deliveries/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

let sys: System;
let a: { tenantId: string; token: string };
let b: { tenantId: string; token: string };
let receiver: Receiver;
/** Sink of tenant a: events with detail.fail answered 400 (failed at once), the rest 200. */
let sinkId: string;
let otherSinkId: string;
/** Deliveries to sinkId, newest first as the log must list them, once all have finished. */
let expected: { id: string; created_at: string; state: string; event_id: string }[];

const ACTION = 'SSH_CA_ROTATED';

/** Each test's sink takes its own action, so one test's events never land in another's log. */
async function createSink(tenant: { token: string }, url: string, action = ACTION): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'log', event_sink_args: { Webhook: { url } }, events: [action] });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

const list = (query: string, token = a.token, sink = sinkId) => sys.request('GET', `/v1/event_sink/${sink}/deliveries${query}`, token);

/** Every delivery of the sink, read straight from PostgreSQL, in the log's order. */
async function stored() {
  const rows = await sys.db.withTenant(a.tenantId, (tx) => tx.delivery.findMany({ where: { sinkId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }));
  return rows.map((r) => ({ id: r.id, created_at: r.createdAt.toISOString(), state: r.state, event_id: r.eventId }));
}

/** Walks the log with `query` page by page; returns every delivery and the page count. */
async function walk(query: string) {
  const seen: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await list(`?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    expect(deliveryListResponse.safeParse(res.body).error).toBeUndefined(); // the documented shape
    seen.push(...res.body.deliveries);
    cursor = res.body.next_cursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { seen, pages };
}

beforeAll(async () => {
  sys = await startSystem();
  a = await sys.tenant('team');
  b = await sys.tenant('team');
  receiver = await startReceiver();
  receiver.route('/hook', (req) => (JSON.parse(req.body.toString('utf8')).detail.fail ? { status: 400, body: 'no such channel' } : { status: 200 }));
  sinkId = await createSink(a, `${receiver.url}/hook`);
  otherSinkId = await createSink(b, `${receiver.url}/hook`);

  // One batch (one transaction: the same created_at, so the id breaks ties), then single events.
  const batch = await sys.request('POST', '/v1/events', a.token, { events: Array.from({ length: 5 }, (_, i) => ({ action: ACTION, detail: { n: i, fail: i % 2 === 0 } })) });
  expect(batch.status).toBe(202);
  for (let i = 0; i < 4; i += 1) {
    expect((await sys.request('POST', '/v1/events', a.token, { action: ACTION, detail: { n: 10 + i, fail: i === 3 } })).status).toBe(202);
  }
  expected = await eventually(async () => {
    const rows = await stored();
    return rows.length === 9 && rows.every((r) => r.state === 'delivered' || r.state === 'failed') ? rows : undefined;
  }, 30_000, 'every delivery to finish');
});
afterAll(async () => {
  await receiver?.close();
  await sys?.close();
});

test('a walk with a small page returns every delivery once, newest first', async () => {
  const { seen, pages } = await walk('limit=2');
  expect(pages).toBe(5);
  expect(seen.map((d) => d.id)).toEqual(expected.map((d) => d.id));
  expect(new Set(seen.map((d) => d.id)).size).toBe(9);
  const batchAt = expected.filter((d) => d.created_at === expected.at(-1)!.created_at);
  expect(batchAt.length).toBe(5); // the batch's five share one created_at: the walk went through a tie
});

test('each entry: the public shape, the action joined from the event', async () => {
  const res = await list('?limit=1');
  expect(res.body.deliveries).toHaveLength(1);
  const [d] = res.body.deliveries;
  const newest = expected[0]!; // the last single event, detail.fail = true
  expect(d).toEqual({
    id: newest.id,
    event_id: newest.event_id,
    sink_id: sinkId,
    action: ACTION,
    state: 'failed',
    attempts: 1,
    last_status: 400,
    last_error_code: 'client_error',
    last_error: expect.any(String),
    next_attempt_at: null,
    deferrals: 0,
    // The test config's retry settings, fixed on the delivery at its first attempt.
    retry_policy: { severity: 'high', first_delay_ms: 100, max_attempts: 5, max_deferrals: 50, window_ms: 24 * 3_600_000, retry_until: expect.any(String) },
    created_at: newest.created_at,
    updated_at: expect.any(String),
    finished_at: expect.any(String),
  });
  expect(typeof res.body.next_cursor).toBe('string');
});

test('state and since filter, and a cursor keeps its filters', async () => {
  const failed = await walk('state=failed&limit=2');
  expect(failed.seen.map((d) => d.id)).toEqual(expected.filter((d) => d.state === 'failed').map((d) => d.id));
  expect(failed.seen.length).toBe(4);
  const delivered = await walk('state=delivered');
  expect(delivered.seen.map((d) => d.id)).toEqual(expected.filter((d) => d.state === 'delivered').map((d) => d.id));
  expect((await list('?state=pending')).body).toEqual({ deliveries: [], next_cursor: null });

  // since is inclusive: the fourth newest and everything after it
  const since = expected[3]!.created_at;
  const recent = await walk(`since=${since}&limit=1`);
  expect(recent.seen.map((d) => d.id)).toEqual(expected.filter((d) => d.created_at >= since).map((d) => d.id));
  expect(recent.seen.length).toBeGreaterThanOrEqual(4);

  // a cursor issued for state=failed, sent with another state, is refused; with none it continues
  const first = await list('?state=failed&limit=1');
  const cursor = encodeURIComponent(first.body.next_cursor);
  const mixed = await list(`?state=delivered&cursor=${cursor}`);
  expect([mixed.status, mixed.body.error.code, mixed.body.error.details[0].path]).toEqual([400, 'invalid_cursor', 'cursor']);
  const cont = await list(`?cursor=${cursor}&limit=1`);
  expect(cont.body.deliveries[0].id).toBe(failed.seen[1].id);
});

test.each([
  ['an unknown state', '?state=lost', 'state'],
  ['a repeated state', '?state=failed&state=delivered', 'state'],
  ['a date without a time', '?since=2026-06-01', 'since'],
  ['a timestamp without an offset', '?since=2026-06-01T10:00:00', 'since'],
  ['a limit of 0', '?limit=0', 'limit'],
  ['a limit that is not a number', '?limit=ten', 'limit'],
  ['a limit over the maximum', '?limit=1001', 'limit'],
  ['an unknown parameter', '?status=failed', 'status'],
  ['a cursor that is not ours', '?cursor=abc.def', 'cursor'],
])('%s (%s) → 400 naming %s', async (_what, query, path) => {
  const res = await list(query);
  expect(res.status).toBe(400);
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
});

test("a cursor is good only for its tenant and its sink", async () => {
  const first = await list('?limit=1');
  const cursor = encodeURIComponent(first.body.next_cursor);
  const ownOtherSink = await createSink(a, `${receiver.url}/other`, 'SSO_LOGIN_FAILED');
  const elsewhere = await list(`?cursor=${cursor}`, a.token, ownOtherSink);
  expect([elsewhere.status, elsewhere.body.error.code]).toEqual([400, 'invalid_cursor']);
  const foreign = await list(`?cursor=${cursor}`, b.token, otherSinkId);
  expect([foreign.status, foreign.body.error.code]).toEqual([400, 'invalid_cursor']);
});

test('one delivery with every attempt and its event', async () => {
  const flaky = await startReceiver();
  try {
    flaky.script({ status: 503, body: 'busy' }, { status: 200, body: 'ok' });
    const sink = await createSink(a, `${flaky.url}/hook`, 'JIT_APPROVED');
    const event = await sys.request('POST', '/v1/events', a.token, { action: 'JIT_APPROVED', resource: { id: 'ca-1', type: 'CertificateAuthority', name: 'prod' } });
    const [d] = (await eventually(async () => {
      const res = await list('', a.token, sink);
      return res.body.deliveries[0]?.state === 'delivered' ? res.body.deliveries : undefined;
    })) as any[];
    const res = await sys.request('GET', `/v1/deliveries/${d.id}`, a.token);
    expect(res.status).toBe(200);
    expect(deliveryDetailResponse.safeParse(res.body).error).toBeUndefined();
    expect(res.body.delivery).toEqual({
      ...d,
      event: { id: event.body.id, action: 'JIT_APPROVED', title: expect.any(String), category: event.body.category, severity: event.body.severity, occurred_at: expect.any(String), received_at: expect.any(String) },
      attempt_log: [
        { attempt: 1, started_at: expect.any(String), duration_ms: expect.any(Number), outcome: 'retryable', status_code: 503, error_code: 'server_error', error_message: expect.any(String), response_body: 'busy' },
        { attempt: 2, started_at: expect.any(String), duration_ms: expect.any(Number), outcome: 'delivered', status_code: 200, error_code: null, error_message: null, response_body: 'ok' },
      ],
    });
    expect(d).toMatchObject({ event_id: event.body.id, attempts: 2, last_status: 200, finished_at: expect.any(String) });
  } finally {
    await flaky.close();
  }
});

test('a delivery waiting for its retry shows when it is next tried', async () => {
  const slow = await startReceiver({ defaultResponse: { status: 429, headers: { 'retry-after': '120' } } });
  try {
    const sink = await createSink(a, `${slow.url}/hook`, 'HONEYTOKEN_TRIPPED');
    await sys.request('POST', '/v1/events', a.token, { action: 'HONEYTOKEN_TRIPPED' });
    const d = await eventually(async () => {
      const res = await list('?state=retrying', a.token, sink);
      return res.body.deliveries[0];
    });
    const wait = Date.parse(d.next_attempt_at) - Date.parse(d.updated_at);
    expect(wait).toBeGreaterThanOrEqual(120_000);
    expect(d).toMatchObject({ state: 'retrying', attempts: 1, last_status: 429, last_error_code: 'rate_limited', finished_at: null });
  } finally {
    await slow.close();
  }
});

describe('every delivery route', () => {
  const routes = (sink: string, delivery: string): [string, string, unknown?][] => [
    ['GET', `/v1/event_sink/${sink}/deliveries`],
    ['POST', `/v1/event_sink/${sink}/recover`, { since: '2026-01-01T00:00:00Z' }],
    ['GET', `/v1/deliveries/${delivery}`],
    ['POST', `/v1/deliveries/${delivery}/retry`, {}],
  ];

  test("another tenant's ids → 404, unknown ids → 404", async () => {
    const own = expected.find((d) => d.state === 'failed')!;
    for (const [method, path, body] of routes(sinkId, own.id)) {
      const res = await sys.request(method, path, b.token, body);
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, 'not_found']);
    }
    for (const [method, path, body] of routes(randomUUID(), randomUUID())) {
      expect((await sys.request(method, path, a.token, body)).status).toBe(404);
    }
    // and nothing of a's was touched by b's requests
    expect((await stored()).find((d) => d.id === own.id)!.state).toBe('failed');
  });

  test('a token without sinks:admin → 403, no token → 401, a malformed id → 400 naming id', async () => {
    const reader = await sys.token(a.tenantId, ['events:read', 'events:write']);
    const own = expected[0]!;
    for (const [method, path, body] of routes(sinkId, own.id)) {
      const forbidden = await sys.request(method, path, reader, body);
      expect([path, forbidden.status, forbidden.body.error.code]).toEqual([path, 403, 'insufficient_scope']);
      const anonymous = await sys.request(method, path, undefined, body);
      expect([path, anonymous.status, anonymous.body.error.code]).toEqual([path, 401, 'unauthenticated']);
    }
    for (const [method, path, body] of routes('not-a-uuid', 'not-a-uuid')) {
      const bad = await sys.request(method, path, a.token, body);
      expect([path, bad.status, bad.body.error.details[0].path]).toEqual([path, 400, 'id']);
    }
  });
});
