/**
 * POST /v1/event_sink/{id}/test (seed 002): a sample event at the sink's minimum severity, sent
 * now through the real channel, answered with the attempt and recorded as a test.
 */
import { channels, type AnyChannel } from '@tocsin/channels';
import { fixtureOf, requestBody, startReceiver, type Receiver } from '@tocsin/channels/testing';
import { startSystem, type System } from '../support/system.js';

let sys: System;
let tenant: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  tenant = await sys.tenant('enterprise');
});
afterAll(async () => sys?.close());

async function sinkFor(channel: AnyChannel, receiver: Receiver, body: Record<string, unknown> = {}): Promise<string> {
  const fixture = await fixtureOf(channel);
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: `${channel.id} test`, event_sink_args: { [channel.sinkType]: fixture.validConfig(receiver.url) }, min_severity: 'high', ...body });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

describe.each(Object.values(channels) as AnyChannel[])('$sinkType', (channel) => {
  test('the test event arrives at the receiver at the sink’s minimum severity, and the attempt is answered and recorded', async () => {
    const fixture = await fixtureOf(channel);
    const receiver = await startReceiver({ defaultResponse: { status: 200, ...(fixture.successBody === undefined ? {} : { body: fixture.successBody }) } });
    for (const [path, handler] of Object.entries(fixture.routes ?? {})) receiver.route(path, handler);
    try {
      const id = await sinkFor(channel, receiver);
      const res = await sys.request('POST', `/v1/event_sink/${id}/test`, tenant.token);
      expect(res.status).toBe(200);
      expect(res.body.test).toMatchObject({ sink_id: id, outcome: 'delivered', error_code: null, event: { action: 'tocsin.test', severity: 'high', level: 'ERROR' } });
      expect(res.body.test.duration_ms).toEqual(expect.any(Number));

      expect(receiver.scripted).toHaveLength(1);
      expect(requestBody(receiver.scripted[0]!)).toContain('Tocsin test event');

      const rows = await sys.db.withTenant(tenant.tenantId, (tx) => tx.sinkTest.findMany({ where: { sinkId: id } }));
      expect(rows).toEqual([expect.objectContaining({ id: res.body.test.id, outcome: 'delivered', severity: 'high' })]);
      // A test is not a delivery of a real event: nothing to retry or recover.
      expect(await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.count({ where: { sinkId: id } }))).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});

test('a failing destination is answered with the attempt’s status and reason, never a 5xx of ours', async () => {
  const receiver = await startReceiver({ defaultResponse: { status: 401, body: 'no' } });
  try {
    const id = await sinkFor(channels.webhook, receiver);
    const res = await sys.request('POST', `/v1/event_sink/${id}/test`, tenant.token);
    expect(res.status).toBe(200);
    expect(res.body.test).toMatchObject({ outcome: 'permanent', status: 401, error_code: 'auth_error', error_message: expect.any(String) });
  } finally {
    await receiver.close();
  }
});

test('a disabled sink can be tested; the test is audited with its outcome', async () => {
  const receiver = await startReceiver();
  try {
    const id = await sinkFor(channels.webhook, receiver, { enabled: false });
    const res = await sys.request('POST', `/v1/event_sink/${id}/test`, tenant.token);
    expect(res.body.test.outcome).toBe('delivered');
    const audit = await sys.db.withTenant(tenant.tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'EVENT_SINK_TESTED', resource: { path: ['id'], equals: id } } }));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ test_id: res.body.test.id, outcome: 'delivered', status: 200 });
  } finally {
    await receiver.close();
  }
});

test("another tenant's sink is a 404, a token without sinks:admin a 403, no token a 401; nothing is sent", async () => {
  const receiver = await startReceiver();
  try {
    const id = await sinkFor(channels.webhook, receiver);
    const other = await sys.tenant('enterprise');
    expect((await sys.request('POST', `/v1/event_sink/${id}/test`, other.token)).status).toBe(404);
    const reader = await sys.token(tenant.tenantId, ['events:read']);
    expect((await sys.request('POST', `/v1/event_sink/${id}/test`, reader)).status).toBe(403);
    expect((await sys.request('POST', `/v1/event_sink/${id}/test`, undefined)).status).toBe(401);
    expect((await sys.request('POST', '/v1/event_sink/not-a-uuid/test', tenant.token)).status).toBe(400);
    expect(receiver.requests).toHaveLength(0);
  } finally {
    await receiver.close();
  }
});
