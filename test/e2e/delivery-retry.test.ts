import { startReceiver, type Receiver, type ReceivedRequest } from '@tocsin/channels/testing';
import { deliveryDetailResponse, recoverResponse } from '../../apps/api/src/deliveries/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

let sys: System;
let tenant: { tenantId: string; token: string };
const receivers: Receiver[] = [];

// Two tries per round: a delivery that fails twice is failed for good, so a retry that gets a
// fresh set of automatic retries is told apart from one that does not on the third attempt.
beforeAll(async () => {
  sys = await startSystem({ config: { TOCSIN_RETRY_MAX_ATTEMPTS: 2 } });
  tenant = await sys.tenant('enterprise');
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await sys?.close();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** A webhook sink taking only `action`, so no other test's events (or audit events) reach it. */
async function createSink(r: Receiver, action: string): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: action, event_sink_args: { Webhook: { url: `${r.url}/hook` } }, events: [action] });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

async function post(action: string, detail: Record<string, unknown> = {}): Promise<string> {
  const res = await sys.request('POST', '/v1/events', tenant.token, { action, detail });
  expect(res.status).toBe(202);
  return res.body.id;
}

const read = async (id: string) => (await sys.request('GET', `/v1/deliveries/${id}`, tenant.token)).body.delivery;

/** The sink's only delivery of the event, once it is in one of `states`. */
async function deliveryOf(sinkId: string, eventId: string, states: string[]) {
  return eventually(async () => {
    const res = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?limit=1000`, tenant.token);
    const d = res.body.deliveries.find((x: { event_id: string }) => x.event_id === eventId);
    return d && states.includes(d.state) ? d : undefined;
  }, 30_000, `delivery of ${eventId} to be ${states.join(' or ')}`);
}

const sent = (r: Receiver, deliveryId: string) => r.requests.filter((q: ReceivedRequest) => q.headers['webhook-id'] === deliveryId).length;

/** The tenant's configuration events of one action, from the Events API. */
async function audited(action: string) {
  const res = await sys.request('GET', '/events/v1?limit=1000', tenant.token);
  expect(res.status).toBe(200);
  return res.body.data.filter((e: { action: string }) => e.action === action);
}

test('retry re-sends a failed delivery once, with a fresh set of automatic retries', async () => {
  const r = await receiver();
  r.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 });
  const sinkId = await createSink(r, 'SSH_CA_ROTATED');
  const eventId = await post('SSH_CA_ROTATED');
  const failed = await deliveryOf(sinkId, eventId, ['failed', 'delivered']);
  expect(failed).toMatchObject({ state: 'failed', attempts: 2, last_status: 500 });

  const res = await sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token);
  expect(res.status).toBe(202);
  expect(res.body.delivery).toMatchObject({ id: failed.id, state: 'pending', attempts: 2, finished_at: null });
  expect(deliveryDetailResponse.safeParse(res.body).error).toBeUndefined();

  // Attempt 3 fails and is retried (two tries since the retry, not four in all): 4 delivers.
  const done = await deliveryOf(sinkId, eventId, ['delivered', 'failed']);
  expect(done).toMatchObject({ state: 'delivered', attempts: 4, last_status: 200 });
  const detail = await read(failed.id);
  expect(detail.attempt_log.map((a: { attempt: number; outcome: string; status_code: number }) => [a.attempt, a.outcome, a.status_code])).toEqual([
    [1, 'retryable', 500],
    [2, 'retryable', 500],
    [3, 'retryable', 500],
    [4, 'delivered', 200],
  ]);
  // One request per attempt, and a delivered delivery is never claimed again.
  expect(sent(r, failed.id)).toBe(4);

  const again = await sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token, {});
  expect([again.status, again.body.error.code]).toEqual([409, 'already_delivered']);

  const events = await eventually(async () => {
    const found = await audited('DELIVERY_RETRIED');
    return found.some((e: { resource: { id: string } }) => e.resource.id === failed.id) ? found : undefined;
  });
  const mine = events.filter((e: { resource: { id: string } }) => e.resource.id === failed.id);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ actor: { type: 'ServiceAccount' }, resource: { id: failed.id, type: 'Delivery' }, detail: { event_sink_id: sinkId, previous_state: 'failed', round: 1 } });
});

test('two retries at once: one re-sends, the other is told it already was', async () => {
  const r = await receiver();
  r.script({ status: 400 }, { status: 200 });
  const sinkId = await createSink(r, 'JIT_APPROVED');
  const eventId = await post('JIT_APPROVED');
  const failed = await deliveryOf(sinkId, eventId, ['failed']);
  expect(failed).toMatchObject({ attempts: 1, last_error_code: 'client_error' });

  const answers = await Promise.all([1, 2].map(() => sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token)));
  expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
  expect(answers.find((a) => a.status === 409)!.body.error.code).toMatch(/^delivery_(scheduled|in_flight)$|^already_delivered$/);

  const done = await deliveryOf(sinkId, eventId, ['delivered']);
  expect(done.attempts).toBe(2);
  expect(sent(r, failed.id)).toBe(2);
});

test('a delivery that is waiting or being sent is not retried: 409 with its state', async () => {
  const r = await receiver();
  r.script({ status: 429, headers: { 'retry-after': '120' } }, { status: 200, delayMs: 1_500 });
  const sinkId = await createSink(r, 'HONEYTOKEN_TRIPPED');
  const waiting = await deliveryOf(sinkId, await post('HONEYTOKEN_TRIPPED'), ['retrying']);
  const scheduled = await sys.request('POST', `/v1/deliveries/${waiting.id}/retry`, tenant.token);
  expect([scheduled.status, scheduled.body.error.code, scheduled.body.error.details[0].path]).toEqual([409, 'delivery_scheduled', 'state']);

  const sending = await deliveryOf(sinkId, await post('HONEYTOKEN_TRIPPED'), ['in_flight']);
  const busy = await sys.request('POST', `/v1/deliveries/${sending.id}/retry`, tenant.token);
  expect([busy.status, busy.body.error.code]).toEqual([409, 'delivery_in_flight']);
  await deliveryOf(sinkId, sending.event_id, ['delivered']);
});

test('a retry needs the sink to exist and be enabled', async () => {
  const r = await receiver();
  r.script({ status: 404 });
  const sinkId = await createSink(r, 'SSO_LOGIN_FAILED');
  const failed = await deliveryOf(sinkId, await post('SSO_LOGIN_FAILED'), ['failed']);

  await sys.db.withTenant(tenant.tenantId, (tx) => tx.eventSink.update({ where: { id: sinkId }, data: { enabled: false } }));
  const disabled = await sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token);
  expect([disabled.status, disabled.body.error.code]).toEqual([409, 'sink_disabled']);
  const recover = await sys.request('POST', `/v1/event_sink/${sinkId}/recover`, tenant.token, { since: '2026-01-01T00:00:00Z' });
  expect([recover.status, recover.body.error.code]).toEqual([409, 'sink_disabled']);

  expect((await sys.request('DELETE', `/v1/event_sink/${sinkId}`, tenant.token)).status).toBe(200);
  const deleted = await sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token);
  expect([deleted.status, deleted.body.error.code]).toEqual([409, 'sink_deleted']);
  // The history stays readable; nothing was re-sent.
  expect(await read(failed.id)).toMatchObject({ state: 'failed', attempts: 1 });
  expect(sent(r, failed.id)).toBe(1);
});

test('recover re-sends exactly the failed deliveries created since then, once each', async () => {
  const r = await receiver();
  let failing = true;
  r.route('/hook', (req) => (failing && JSON.parse(req.body.toString('utf8')).detail.fail ? { status: 400 } : { status: 200 }));
  const action = 'MFA_DISABLED';
  const sinkId = await createSink(r, action);

  const before = await deliveryOf(sinkId, await post(action, { fail: true }), ['failed']);
  const ids = [];
  for (const fail of [true, false, true, true, false]) ids.push(await post(action, { fail }));
  const after = await Promise.all(ids.map((id) => deliveryOf(sinkId, id, ['failed', 'delivered'])));
  expect(after.map((d) => d.state)).toEqual(['failed', 'delivered', 'failed', 'failed', 'delivered']);
  const since = after[0].created_at;
  expect(Date.parse(before.created_at)).toBeLessThan(Date.parse(since));

  failing = false;
  const res = await sys.request('POST', `/v1/event_sink/${sinkId}/recover`, tenant.token, { since });
  expect([res.status, res.body]).toEqual([202, { recovered: 3, truncated: false }]);
  expect(recoverResponse.safeParse(res.body).error).toBeUndefined();

  const final = await Promise.all(after.map((d) => deliveryOf(sinkId, d.event_id, ['delivered'])));
  expect(final.map((d) => [d.attempts, sent(r, d.id)])).toEqual([
    [2, 2],
    [1, 1],
    [2, 2],
    [2, 2],
    [1, 1],
  ]);
  // Failed before `since`: left alone.
  expect(await read(before.id)).toMatchObject({ state: 'failed', attempts: 1 });
  expect(sent(r, before.id)).toBe(1);

  const none = await sys.request('POST', `/v1/event_sink/${sinkId}/recover`, tenant.token, { since });
  expect([none.status, none.body]).toEqual([202, { recovered: 0, truncated: false }]);

  const recovered = await eventually(async () => {
    const found = (await audited('DELIVERIES_RECOVERED')).filter((e: { resource: { id: string } }) => e.resource.id === sinkId);
    return found.length === 2 ? found : undefined;
  });
  expect(recovered.map((e: { detail: unknown }) => e.detail)).toEqual([
    { since: new Date(since).toISOString(), count: 3, truncated: false },
    { since: new Date(since).toISOString(), count: 0, truncated: false },
  ]);
  expect(recovered[0]).toMatchObject({ actor: { type: 'ServiceAccount' }, resource: { id: sinkId, type: 'EventSink', name: action } });
});

test.each([
  ['no since', {}, 'since'],
  ['a since that is not a timestamp', { since: 'yesterday' }, 'since'],
  ['a since without an offset', { since: '2026-06-01T10:00:00' }, 'since'],
  ['an unknown field', { since: '2026-06-01T10:00:00Z', state: 'failed' }, 'state'],
])('recover with %s → 400 naming %s', async (_what, body, path) => {
  const r = await receiver();
  const sinkId = await createSink(r, 'SSH_CA_ROTATED');
  const res = await sys.request('POST', `/v1/event_sink/${sinkId}/recover`, tenant.token, body);
  expect(res.status).toBe(400);
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
});

test('retry takes no fields', async () => {
  const r = await receiver();
  r.script({ status: 400 });
  const sinkId = await createSink(r, 'JIT_DENIED');
  const failed = await deliveryOf(sinkId, await post('JIT_DENIED'), ['failed']);
  const res = await sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token, { now: true });
  expect([res.status, res.body.error.details[0].path]).toEqual([400, 'now']);
  expect(await read(failed.id)).toMatchObject({ state: 'failed', attempts: 1 });
});
