import pg from 'pg';
import { startSystem, type System } from '../support/system.js';

let sys: System;
let a: { tenantId: string; token: string };
let b: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  a = await sys.tenant('team');
  b = await sys.tenant('team');
});
afterAll(async () => sys?.close());

async function storedEvents(tenantId: string): Promise<number> {
  return sys.db.withTenant(tenantId, (tx) => tx.auditEvent.count());
}

const valid = { action: 'JIT_APPROVED' };

test.each([
  ['malformed JSON', '{"action": ', 400, 'invalid_json', undefined],
  ['an unknown field', { ...valid, colour: 'red' }, 400, 'invalid_request', ''],
  ['a missing action', { severity: 'high' }, 400, 'invalid_request', 'action'],
  ['an action with a newline (header injection)', { action: 'JIT_APPROVED\r\nX-Evil: 1' }, 400, 'invalid_request', 'action'],
  ['an invalid source_ip', { ...valid, source_ip: '300.1.2.3' }, 400, 'invalid_request', 'source_ip'],
  ['a wrong type', { ...valid, detail: 'not an object' }, 400, 'invalid_request', 'detail'],
  ['an unknown severity', { ...valid, severity: 'apocalyptic' }, 400, 'invalid_request', 'severity'],
  ['a batch over 1000', { events: Array.from({ length: 1001 }, () => valid) }, 400, 'invalid_request', 'events'],
  ['an invalid event inside a batch', { events: [valid, { action: '' }] }, 400, 'invalid_request', 'events.1.action'],
  ['a body over 1 MiB', { ...valid, detail: { blob: 'x'.repeat(1024 * 1024) } }, 413, 'payload_too_large', undefined],
  ['a JSON array', [valid], 400, 'invalid_request', undefined],
])('%s → %i %s, nothing stored', async (_name, body, status, code, path) => {
  const res = await sys.request('POST', '/v1/events', a.token, body);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  if (path !== undefined) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path || '(body)');
  expect(await storedEvents(a.tenantId)).toBe(0);
});

test('liveness and readiness', async () => {
  expect((await sys.request('GET', '/healthz', undefined)).body).toEqual({ status: 'ok' });
  const ready = await sys.request('GET', '/readyz', undefined);
  expect([ready.status, ready.body]).toEqual([200, { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } }]);
});

test('a non-JSON content type → 415', async () => {
  const res = await sys.request('POST', '/v1/events', a.token, 'action=x', { 'content-type': 'application/x-www-form-urlencoded' });
  expect(res.status).toBe(415);
  expect(res.body.error.code).toBe('unsupported_media_type');
});

test.each([
  ['no token', undefined, 401, 'unauthenticated'],
  ['an unknown token', 'tct_this-token-does-not-exist-anywhere-at-all', 401, 'unauthenticated'],
  ['a malformed credential', 'not-a-token', 401, 'unauthenticated'],
])('%s → %i', async (_name, token, status, code) => {
  const res = await sys.request('POST', '/v1/events', token, valid);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(await storedEvents(a.tenantId)).toBe(0);
});

test("another tenant's token cannot post into this tenant", async () => {
  const res = await sys.request('POST', '/v1/events', b.token, { ...valid, tenant_id: a.tenantId });
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('tenant_mismatch');
  expect(await storedEvents(a.tenantId)).toBe(0);
  expect(await storedEvents(b.tenantId)).toBe(0);
});

test('a token without events:write → 403 insufficient_scope', async () => {
  const reader = await sys.token(a.tenantId, ['events:read']);
  const res = await sys.request('POST', '/v1/events', reader, valid);
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('insufficient_scope');
});

test('the same event id twice is stored once', async () => {
  const id = '0b6f7a7e-8a4a-4c1e-9d3c-2f3e4a5b6c7d';
  const first = await sys.request('POST', '/v1/events', b.token, { ...valid, id });
  const again = await sys.request('POST', '/v1/events', b.token, { ...valid, id });
  expect([first.status, again.status]).toEqual([202, 202]);
  expect(first.body.duplicate).toBe(false);
  expect(again.body.duplicate).toBe(true);
  expect(await storedEvents(b.tenantId)).toBe(1);
});

test('the same id twice in one batch, or in concurrent requests, is stored and delivered once', async () => {
  const t = await sys.tenant('team');
  const sink = await sys.request('POST', '/v1/event_sink', t.token, { name: 'd', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } } });
  expect(sink.status).toBe(201);
  const id = '7d0b6f7a-8a4a-4c1e-9d3c-2f3e4a5b6c7d';
  const batch = await sys.request('POST', '/v1/events', t.token, { events: [{ ...valid, id }, { ...valid, id }] });
  expect(batch.body.events.map((e: { duplicate: boolean; deliveries: number }) => [e.duplicate, e.deliveries])).toEqual([[false, 1], [true, 0]]);
  const other = '8e1c7a8b-9b5b-4d2f-8e4d-3a4f5b6c7d8e';
  const concurrent = await Promise.all(Array.from({ length: 8 }, () => sys.request('POST', '/v1/events', t.token, { ...valid, id: other })));
  expect(concurrent.filter((r) => r.body.duplicate === false)).toHaveLength(1);
  // Counted by id: creating the sink wrote its own audit event (EVENT_SINK_CREATED), delivered too.
  expect(await sys.db.withTenant(t.tenantId, (tx) => tx.auditEvent.count({ where: { id: { in: [id, other] } } }))).toBe(2);
  expect(await sys.db.withTenant(t.tenantId, (tx) => tx.delivery.count({ where: { eventId: { in: [id, other] } } }))).toBe(2);
});

test('a batch is stored whole and answered per event', async () => {
  const t = await sys.tenant('team');
  const res = await sys.request('POST', '/v1/events', t.token, {
    events: [{ action: 'HONEYTOKEN_TRIPPED' }, { action: 'CREDENTIAL_EXPOSURE_DETECTED', severity: 'low' }, { action: 'Agent Pairing Initiated' }],
  });
  expect(res.status).toBe(202);
  expect(res.body.accepted).toBe(3);
  expect(res.body.events.map((e: { severity: string }) => e.severity)).toEqual(['critical', 'low', expect.any(String)]);
  expect(await storedEvents(t.tenantId)).toBe(3);
});

test('an ingest transaction that cannot finish in time → 503, nothing stored', async () => {
  const t = await sys.tenant('team');
  const id = '9f2d8b9c-0c6c-4e3a-9f5e-4b5c6d7e8f90';
  // Another transaction inserts the same event id and holds it: ingest's insert has to wait.
  const holder = new pg.Client({ connectionString: sys.config.DATABASE_URL });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(
      "INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at) VALUES ($1, $2, 'X', 'X', 'low', false, now())",
      [t.tenantId, id],
    );
    const res = await sys.request('POST', '/v1/events', t.token, { ...valid, id });
    expect([res.status, res.body.error.code, res.headers.get('retry-after')]).toEqual([503, 'unavailable', '5']);
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
  expect(await storedEvents(t.tenantId)).toBe(0);
});

test('PostgreSQL unreachable → 503 with Retry-After, never 202', async () => {
  const { startApi } = await import('@tocsin/api');
  const { createLogger } = await import('@tocsin/config');
  const down = await startApi({ ...sys.config, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' }, sys.box, createLogger('silent'));
  try {
    const res = await fetch(`http://127.0.0.1:${down.port}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
      body: JSON.stringify(valid),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const ready = await fetch(`http://127.0.0.1:${down.port}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'not_ready', checks: { postgres: 'unavailable', redis: 'ok' } }]);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unavailable");
  } finally {
    await down.close();
  }
});
