import { Webhook } from 'standardwebhooks';
import { verify as verifyHub } from '@octokit/webhooks-methods';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, startSystem, type System } from '../support/system.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let sys: System;
let tenant: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem();
  tenant = await sys.tenant('team');
});
afterAll(async () => sys?.close());

async function createSink(receiver: Receiver, body: Record<string, unknown> = {}): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, {
    name: 'hook',
    event_sink_args: { Webhook: { url: `${receiver.url}/hook`, secret: SECRET } },
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

async function deliveryOf(eventId: string) {
  return sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findFirst({ where: { eventId } }));
}

async function attemptsOf(deliveryId: string) {
  return sys.db.withTenant(tenant.tenantId, (tx) => tx.deliveryAttempt.findMany({ where: { deliveryId }, orderBy: { attempt: 'asc' } }));
}

async function finished(eventId: string) {
  return eventually(async () => {
    const d = await deliveryOf(eventId);
    return d && ['delivered', 'failed'].includes(d.state) ? d : undefined;
  }, 30_000, `delivery of ${eventId} to finish`);
}

test('an event reaches the subscribed sink and no other, signed so that independent verifiers accept it', async () => {
  const wanted = await startReceiver();
  const otherAction = await startReceiver();
  const higherSeverity = await startReceiver();
  try {
    const wantedId = await createSink(wanted, { events: ['JIT_APPROVED'] });
    const otherActionId = await createSink(otherAction, { events: ['HONEYTOKEN_TRIPPED'] });
    const higherSeverityId = await createSink(higherSeverity, { events: ['JIT_APPROVED'], min_severity: 'high' });

    const res = await sys.request('POST', '/v1/events', tenant.token, {
      action: 'JIT_APPROVED',
      actor: { id: 'u1', type: 'User', name: 'Ada' },
      resource: { id: 'db-prod', type: 'Connection', name: 'prod' },
      source_ip: '203.0.113.7',
      detail: { ticket: 'CHG-1' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ action: 'JIT_APPROVED', category: 'access', severity: 'medium', catalog: true, deliveries: 1 });

    const [req] = await wanted.waitForRequests(1, 15_000);
    const raw = req!.body.toString('utf8');
    const headers = req!.headers as Record<string, string>;
    expect(new Webhook(SECRET).verify(raw, headers)).toMatchObject({ id: res.body.id, action: 'JIT_APPROVED' });
    expect(await verifyHub(SECRET, raw, headers['x-tocsin-signature']!)).toBe(true);
    expect(headers['x-tocsin-event']).toBe('JIT_APPROVED');
    expect(JSON.parse(raw)).toEqual({
      id: res.body.id,
      tenant_id: tenant.tenantId,
      action: 'JIT_APPROVED',
      title: expect.any(String),
      category: 'access',
      severity: 'medium',
      level: null,
      actor: { id: 'u1', type: 'User', name: 'Ada' },
      resource: { id: 'db-prod', type: 'Connection', name: 'prod' },
      source_ip: '203.0.113.7',
      detail: { ticket: 'CHG-1' },
      occurred_at: expect.any(String),
      received_at: expect.any(String),
    });
    const delivery = await finished(res.body.id);
    expect(delivery.state).toBe('delivered');
    expect(headers['webhook-id']).toBe(delivery.id);

    // A non-catalog action is stored but never pushed.
    const other = await sys.request('POST', '/v1/events', tenant.token, { action: 'custom.thing.happened', severity: 'high' });
    expect(other.status).toBe(202);
    expect(other.body).toMatchObject({ catalog: false, deliveries: 0, category: null });
    // Matching happens at ingest, in the transaction that answered 202: a sink is only ever sent
    // what it has a delivery row for. So the rows, not a wait, show the other sinks get nothing.
    const rows = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findMany({ where: { sinkId: { in: [wantedId, otherActionId, higherSeverityId] } } }));
    expect(rows.map((d) => [d.sinkId, d.eventId])).toEqual([[wantedId, res.body.id]]);
    expect(otherAction.requests).toHaveLength(0);
    expect(higherSeverity.requests).toHaveLength(0);
    expect(wanted.requests).toHaveLength(1);
  } finally {
    await Promise.all([wanted.close(), otherAction.close(), higherSeverity.close()]);
  }
});

test('500, 500, 200: delivered on the third try with three attempt rows', async () => {
  const receiver = await startReceiver();
  try {
    receiver.script({ status: 500 }, { status: 500 }, { status: 200 });
    await createSink(receiver, { events: ['SSH_CA_ROTATED'] });
    const res = await sys.request('POST', '/v1/events', tenant.token, { action: 'SSH_CA_ROTATED' });
    const delivery = await finished(res.body.id);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3 });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode, a.errorCode])).toEqual([
      [1, 'retryable', 500, 'server_error'],
      [2, 'retryable', 500, 'server_error'],
      [3, 'delivered', 200, null],
    ]);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
  } finally {
    await receiver.close();
  }
});

test('400: failed at once, one attempt, the reason recorded', async () => {
  const receiver = await startReceiver();
  try {
    receiver.script({ status: 400, body: 'bad payload' });
    await createSink(receiver, { events: ['SSO_LOGIN_FAILED'] });
    const res = await sys.request('POST', '/v1/events', tenant.token, { action: 'SSO_LOGIN_FAILED' });
    const delivery = await finished(res.body.id);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastErrorCode: 'client_error', lastStatus: 400 });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'permanent', statusCode: 400, errorCode: 'client_error', responseBody: 'bad payload' });
    // A full relay round after the failure was recorded leaves it alone (a failed row is never
    // due; packages/db/src/definer-functions.test.ts), and every send claims first: a re-send
    // would show as a second attempt.
    await sys.worker!.relay.runOnce();
    expect(await deliveryOf(res.body.id)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});

test('429 with Retry-After: 2 — the next try comes no sooner than 2 s later', async () => {
  const receiver = await startReceiver();
  try {
    receiver.script({ status: 429, headers: { 'retry-after': '2' } }, { status: 200 });
    await createSink(receiver, { events: ['CREDENTIAL_BREACH_DETECTED'] });
    const res = await sys.request('POST', '/v1/events', tenant.token, { action: 'CREDENTIAL_BREACH_DETECTED' });
    const delivery = await finished(res.body.id);
    expect(delivery.state).toBe('delivered');
    const [first, second] = receiver.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2_000);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts[0]).toMatchObject({ statusCode: 429, errorCode: 'rate_limited' });
  } finally {
    await receiver.close();
  }
});
