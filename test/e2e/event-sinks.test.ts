import { startSystem, type System } from '../support/system.js';

let sys: System;
let a: { tenantId: string; token: string };
let b: { tenantId: string; token: string };

// This suite runs without the loopback allowance: targets are judged as in production.
beforeAll(async () => {
  sys = await startSystem({ worker: false, config: { TOCSIN_EGRESS_ALLOW: [] } });
  a = await sys.tenant('team');
  b = await sys.tenant('team');
});
afterAll(async () => sys?.close());

const hook = (url: string, extra: Record<string, unknown> = {}) => ({ name: 'hook', event_sink_args: { Webhook: { url, ...extra } } });

test('create, read, list and delete: the seed shape, secrets redacted', async () => {
  const created = await sys.request('POST', '/v1/event_sink', a.token, {
    ...hook('https://203.0.113.10/hook', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
    description: 'Detection alerts webhook',
    events: ['HONEYTOKEN_TRIPPED', 'SSO_LOGIN_FAILED'],
    min_severity: 'high',
  });
  // 203.0.113.0/24 is a documentation range: refused like any private target.
  expect(created.status).toBe(400);
  expect(created.body.error.code).toBe('egress_denied');

  const ok = await sys.request('POST', '/v1/event_sink', a.token, {
    ...hook('https://93.184.215.14/hook', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
    description: 'Detection alerts webhook',
    events: ['HONEYTOKEN_TRIPPED', 'SSO_LOGIN_FAILED'],
    min_severity: 'high',
  });
  expect(ok.status).toBe(201);
  const sink = ok.body.event_sink;
  expect(sink).toEqual({
    id: expect.any(String),
    tenant_id: a.tenantId,
    name: 'hook',
    description: 'Detection alerts webhook',
    event_sink_type: 'Webhook',
    configuration: { Webhook: { url: 'https://93.184.215.14/hook', secret: '[REDACTED]' } },
    events: ['HONEYTOKEN_TRIPPED', 'SSO_LOGIN_FAILED'],
    min_severity: 'high',
    enabled: true,
    disabled_reason: null,
    rate_per_second: null,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  });
  expect((await sys.request('GET', `/v1/event_sink/${sink.id}`, a.token)).body.event_sink).toEqual(sink);
  expect((await sys.request('GET', '/v1/event_sink', a.token)).body.event_sinks).toEqual([sink]);
  expect(await sys.request('DELETE', `/v1/event_sink/${sink.id}`, a.token)).toMatchObject({ status: 200, body: { id: sink.id, tenant_id: a.tenantId } });
  expect((await sys.request('GET', `/v1/event_sink/${sink.id}`, a.token)).status).toBe(404);
  expect((await sys.request('GET', '/v1/event_sink', a.token)).body.event_sinks).toEqual([]);
});

test("another tenant's sink is invisible: read and delete by id are 404", async () => {
  const own = await sys.request('POST', '/v1/event_sink', b.token, hook('https://93.184.215.14/b'));
  const id = own.body.event_sink.id;
  expect((await sys.request('GET', `/v1/event_sink/${id}`, a.token)).status).toBe(404);
  expect((await sys.request('DELETE', `/v1/event_sink/${id}`, a.token)).status).toBe(404);
  expect((await sys.request('GET', '/v1/event_sink', a.token)).body.event_sinks.map((s: { id: string }) => s.id)).not.toContain(id);
  expect((await sys.request('GET', `/v1/event_sink/${id}`, b.token)).status).toBe(200);
  const foreign = await sys.request('POST', '/v1/event_sink', a.token, { ...hook('https://93.184.215.14/x'), tenant_id: b.tenantId });
  expect([foreign.status, foreign.body.error.code]).toEqual([403, 'tenant_mismatch']);
});

test.each([
  ['loopback', 'http://127.0.0.1/hook'],
  ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
  ['private network', 'https://10.0.0.5/hook'],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
  ['localhost by name', 'http://localhost:8080/hook'],
])('a %s target is refused at save time', async (_name, url) => {
  const res = await sys.request('POST', '/v1/event_sink', a.token, hook(url));
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('egress_denied');
});

test.each([
  ['an unknown kind', { name: 'x', event_sink_args: { Carrier: { url: 'https://93.184.215.14/' } } }, 'event_sink_args.Carrier'],
  ['two kinds at once', { name: 'x', event_sink_args: { Webhook: { url: 'https://93.184.215.14/' }, Slack: {} } }, 'event_sink_args'],
  ['an unknown config field', { name: 'x', event_sink_args: { Webhook: { url: 'https://93.184.215.14/', verify: false } } }, 'event_sink_args.Webhook'],
  ['a weak secret', hook('https://93.184.215.14/', { secret: 'hunter2' }), 'event_sink_args.Webhook.secret'],
  ['a URL with credentials', hook('https://user:pw@93.184.215.14/'), 'event_sink_args.Webhook.url'],
  ['an event outside the catalog', { ...hook('https://93.184.215.14/'), events: ['NOT_AN_EVENT'] }, 'events.0'],
  ['an event that is never pushed', { ...hook('https://93.184.215.14/'), events: ['AGENT_HEARTBEAT_RECEIVED'] }, 'events.0'],
  ['a bad severity', { ...hook('https://93.184.215.14/'), min_severity: 'urgent' }, 'min_severity'],
  ['a missing name', { event_sink_args: { Webhook: { url: 'https://93.184.215.14/' } } }, 'name'],
])('%s → 400 naming %s', async (_name, body, path) => {
  const res = await sys.request('POST', '/v1/event_sink', a.token, body);
  expect(res.status).toBe(400);
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
});

test('push integrations need the team plan', async () => {
  const free = await sys.tenant('free');
  const res = await sys.request('POST', '/v1/event_sink', free.token, hook('https://93.184.215.14/'));
  expect([res.status, res.body.error.code]).toEqual([403, 'plan_required']);
});

test('sinks need the sinks:admin scope', async () => {
  const writer = await sys.token(a.tenantId, ['events:write']);
  const res = await sys.request('POST', '/v1/event_sink', writer, hook('https://93.184.215.14/'));
  expect([res.status, res.body.error.code]).toEqual([403, 'insufficient_scope']);
});

test("deleting a sink ends its waiting deliveries as skipped", async () => {
  const t = await sys.tenant('team');
  const sink = await sys.request('POST', '/v1/event_sink', t.token, hook('https://93.184.215.14/'));
  const event = await sys.request('POST', '/v1/events', t.token, { action: 'HONEYTOKEN_TRIPPED' });
  expect(event.body.deliveries).toBe(1);
  await sys.request('DELETE', `/v1/event_sink/${sink.body.event_sink.id}`, t.token);
  const d = await sys.db.withTenant(t.tenantId, (tx) => tx.delivery.findFirst({ where: { eventId: event.body.id } }));
  expect(d).toMatchObject({ state: 'skipped', lastErrorCode: 'sink_deleted' });
  // and new events no longer match it
  expect((await sys.request('POST', '/v1/events', t.token, { action: 'HONEYTOKEN_TRIPPED' })).body.deliveries).toBe(0);
});

test('the list is paginated oldest first: a walk returns every sink once, across a delete in between', async () => {
  const t = await sys.tenant('team');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await sys.request('POST', '/v1/event_sink', t.token, hook(`https://93.184.215.14/${i}`))).body.event_sink.id);

  const first = await sys.request('GET', '/v1/event_sink?limit=2', t.token);
  expect(first.body.event_sinks.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2));
  expect(first.body.next_cursor).toEqual(expect.any(String));
  await sys.request('DELETE', `/v1/event_sink/${ids[2]}`, t.token);
  const seen = [...first.body.event_sinks.map((s: { id: string }) => s.id)];
  let cursor: string | null = first.body.next_cursor;
  while (cursor !== null) {
    const page = await sys.request('GET', `/v1/event_sink?limit=2&cursor=${encodeURIComponent(cursor)}`, t.token);
    expect(page.status).toBe(200);
    seen.push(...page.body.event_sinks.map((s: { id: string }) => s.id));
    cursor = page.body.next_cursor;
  }
  expect(seen).toEqual([ids[0], ids[1], ids[3], ids[4]]);
  const all = await sys.request('GET', '/v1/event_sink', t.token);
  expect([all.body.event_sinks.length, all.body.next_cursor]).toEqual([4, null]);

  // A cursor is good only for the tenant it was issued to.
  const foreign = await sys.request('GET', `/v1/event_sink?cursor=${encodeURIComponent(first.body.next_cursor)}`, a.token);
  expect([foreign.status, foreign.body.error.code]).toEqual([400, 'invalid_cursor']);
});

test.each([
  ['limit=0', 'limit'],
  ['limit=1001', 'limit'],
  ['limit=two', 'limit'],
  ['cursor=not-a-cursor', 'cursor'],
  ['page=2', 'page'],
])('GET /v1/event_sink?%s → 400 naming %s', async (query, path) => {
  const res = await sys.request('GET', `/v1/event_sink?${query}`, a.token);
  expect(res.status).toBe(400);
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
});
