/**
 * PUT /v1/event_sink/{id} (seed 004): what is sent changes, what is omitted is kept, secrets stay
 * write-only, and bad input changes nothing.
 */
import { Webhook } from 'standardwebhooks';
import { channels, unsealConfig } from '@tocsin/channels';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, startSystem, type System } from '../support/system.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let sys: System;
let tenant: { tenantId: string; token: string };
let first: Receiver;
let second: Receiver;

beforeAll(async () => {
  sys = await startSystem();
  tenant = await sys.tenant('team');
  [first, second] = await Promise.all([startReceiver(), startReceiver()]);
});
afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
  await sys?.close();
});

async function webhookSink(body: Record<string, unknown> = {}): Promise<{ id: string; body: Record<string, any> }> {
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'hook', description: 'SOC', event_sink_args: { Webhook: { url: `${first.url}/hook`, secret: SECRET } }, events: ['HONEYTOKEN_TRIPPED'], ...body });
  expect(res.status).toBe(201);
  return { id: res.body.event_sink.id, body: res.body.event_sink };
}

const put = (id: string, body: unknown, token = tenant.token) => sys.request('PUT', `/v1/event_sink/${id}`, token, body);
const stored = (id: string) => sys.db.withTenant(tenant.tenantId, (tx) => tx.eventSink.findFirstOrThrow({ where: { id } }));

async function deliveredTo(receiver: Receiver, eventId: string) {
  return eventually(async () => receiver.requests.find((r) => JSON.parse(r.body.toString()).id === eventId), 20_000, `event ${eventId} at the receiver`);
}

test('a new url alone moves the next deliveries and keeps the secret, which still signs them', async () => {
  const sink = await webhookSink();
  const res = await put(sink.id, { id: sink.id, event_sink_args: { Webhook: { url: `${second.url}/hook` } } });
  expect(res.status).toBe(200);
  expect(res.body.event_sink).toMatchObject({ id: sink.id, name: 'hook', description: 'SOC', configuration: { Webhook: { url: `${second.url}/hook`, secret: '[REDACTED]' } }, events: ['HONEYTOKEN_TRIPPED'] });
  expect(res.body.event_sink.updated_at > sink.body.updated_at).toBe(true);
  expect(JSON.stringify(res.body)).not.toContain(SECRET);

  const event = await sys.request('POST', '/v1/events', tenant.token, { action: 'HONEYTOKEN_TRIPPED' });
  const req = await deliveredTo(second, event.body.id);
  expect(new Webhook(SECRET).verify(req.body.toString(), req.headers as Record<string, string>)).toMatchObject({ id: event.body.id });
  expect(first.requests.some((r) => JSON.parse(r.body.toString()).id === event.body.id)).toBe(false);
});

test('a GET sent back as a PUT keeps the secret instead of storing the marker', async () => {
  const sink = await webhookSink();
  const { configuration, name } = (await sys.request('GET', `/v1/event_sink/${sink.id}`, tenant.token)).body.event_sink;
  expect(configuration.Webhook.secret).toBe('[REDACTED]');
  const res = await put(sink.id, { name, event_sink_args: configuration });
  expect(res.status).toBe(200);
  // Sealed again under a fresh nonce; the same secret inside.
  const after = unsealConfig(channels.webhook, (await stored(sink.id)).config as Record<string, unknown>, sys.box, { tenantId: tenant.tenantId, sinkId: sink.id });
  expect(after.secret).toBe(SECRET);
});

test('null removes an optional field: the webhook then sends unsigned', async () => {
  const sink = await webhookSink();
  const res = await put(sink.id, { event_sink_args: { Webhook: { secret: null } } });
  expect(res.status).toBe(200);
  expect(res.body.event_sink.configuration.Webhook).toEqual({ url: `${first.url}/hook` });
});

test('events and threshold apply to later events only: nothing already delivered is sent again', async () => {
  const sink = await webhookSink({ events: ['*'] });
  const earlier = await sys.request('POST', '/v1/events', tenant.token, { action: 'JIT_APPROVED' });
  await deliveredTo(first, earlier.body.id);
  const res = await put(sink.id, { events: ['JIT_APPROVED', 'HONEYTOKEN_TRIPPED'], min_severity: 'high' });
  expect(res.status).toBe(200);
  expect(res.body.event_sink).toMatchObject({ events: ['JIT_APPROVED', 'HONEYTOKEN_TRIPPED'], min_severity: 'high' });
  // JIT_APPROVED is medium: below the new threshold. HONEYTOKEN_TRIPPED is critical.
  const medium = await sys.request('POST', '/v1/events', tenant.token, { action: 'JIT_APPROVED' });
  const critical = await sys.request('POST', '/v1/events', tenant.token, { action: 'HONEYTOKEN_TRIPPED' });
  const ofSink = async (eventId: string) => sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.count({ where: { eventId, sinkId: sink.id } }));
  expect([await ofSink(medium.body.id), await ofSink(critical.body.id)]).toEqual([0, 1]);
  await deliveredTo(first, critical.body.id);
  expect(first.requests.filter((r) => JSON.parse(r.body.toString()).id === earlier.body.id)).toHaveLength(1);
  expect(await ofSink(earlier.body.id)).toBe(1);
});

test('disable and enable: the state, its reason, and an audit event for each with the acting token', async () => {
  const sink = await webhookSink();
  const off = await put(sink.id, { enabled: false });
  expect(off.body.event_sink).toMatchObject({ enabled: false, disabled_reason: 'disabled_by_admin' });
  const skipped = await sys.request('POST', '/v1/events', tenant.token, { action: 'HONEYTOKEN_TRIPPED' });
  const on = await put(sink.id, { enabled: true });
  expect(on.body.event_sink).toMatchObject({ enabled: true, disabled_reason: null });

  const audit = await sys.db.withTenant(tenant.tenantId, (tx) =>
    tx.auditEvent.findMany({ where: { action: { in: ['EVENT_SINK_DISABLED', 'EVENT_SINK_ENABLED'] }, resource: { path: ['id'], equals: sink.id } }, orderBy: { seq: 'asc' } }),
  );
  expect(audit.map((e) => e.action)).toEqual(['EVENT_SINK_DISABLED', 'EVENT_SINK_ENABLED']);
  expect(audit[0]!.actor).toMatchObject({ type: 'ServiceAccount', id: expect.any(String) });
  // The disabled sink took no delivery of the event posted meanwhile.
  const rows = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findMany({ where: { eventId: skipped.body.id, sinkId: sink.id } }));
  expect(rows).toHaveLength(0);
});

test('an update is audited once, naming the changed fields and never a value', async () => {
  const sink = await webhookSink();
  await put(sink.id, { name: 'renamed', event_sink_args: { Webhook: { secret: 'whsec_YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=' } } });
  const audit = await sys.db.withTenant(tenant.tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'EVENT_SINK_UPDATED', resource: { path: ['id'], equals: sink.id } } }));
  expect(audit).toHaveLength(1);
  expect(audit[0]!.detail).toEqual({ changed: ['name', 'event_sink_args.Webhook.secret'] });
  expect(JSON.stringify(audit.map((e) => [e.detail, e.actor, e.resource, e.title]))).not.toContain('whsec_YWJj');
});

describe('bad input is a 4xx naming the field, and changes nothing', () => {
  test.each<[string, unknown, number, string]>([
    ['another kind', { event_sink_args: { Slack: { webhook_url: 'https://hooks.slack.com/services/T0/B0/x' } } }, 400, 'event_sink_args.Slack'],
    ['an unknown kind field', { event_sink_args: { Webhook: { colour: 'red' } } }, 400, 'event_sink_args.Webhook'],
    ['a bad url', { event_sink_args: { Webhook: { url: 'not a url' } } }, 400, 'event_sink_args.Webhook.url'],
    ['a private url', { event_sink_args: { Webhook: { url: 'https://10.0.0.8/hook' } } }, 400, 'event_sink_args.Webhook'],
    ['a header injection', { event_sink_args: { Webhook: { url: 'https://example.com/\r\nX-Evil: 1' } } }, 400, 'event_sink_args.Webhook.url'],
    ['an unknown top-level field', { colour: 'red' }, 400, '(body)'],
    ['a wrong type', { enabled: 'yes' }, 400, 'enabled'],
    ['a bad severity', { min_severity: 'urgent' }, 400, 'min_severity'],
    ['an unknown event', { events: ['NOT_AN_EVENT'] }, 400, 'events.0'],
    ['an event outside the push catalog', { events: ['AGENT_HEARTBEAT_RECEIVED'] }, 400, 'events.0'],
    ['another id in the body', { id: '00000000-0000-4000-8000-000000000000', name: 'x' }, 400, 'id'],
    ['nothing to update', {}, 400, '(body)'],
    ['another tenant_id', { tenant_id: '00000000-0000-4000-8000-000000000000', name: 'x' }, 403, 'tenant_id'],
  ])('%s', async (_what, body, status, path) => {
    const sink = await webhookSink();
    const before = await stored(sink.id);
    const res = await put(sink.id, body);
    expect(res.status).toBe(status);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await stored(sink.id)).toEqual(before);
  });

  test("another tenant's sink is a 404, a token without sinks:admin a 403, no token a 401", async () => {
    const sink = await webhookSink();
    const other = await sys.tenant('team');
    expect((await put(sink.id, { name: 'x' }, other.token)).status).toBe(404);
    const reader = await sys.token(tenant.tenantId, ['events:read']);
    expect((await put(sink.id, { name: 'x' }, reader)).status).toBe(403);
    expect((await sys.request('PUT', `/v1/event_sink/${sink.id}`, undefined, { name: 'x' })).status).toBe(401);
    expect((await stored(sink.id)).name).toBe('hook');
  });
});
