import { startReceiver, type Receiver, type ReceivedRequest } from '@tocsin/channels/testing';
import { eventSink } from '../../apps/api/src/openapi/responses.js';
import { deliveryDetailResponse } from '../../apps/api/src/deliveries/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * The circuit breaker: a sink that fails without a delivery for TOCSIN_BREAKER_OPEN_AFTER_MS
 * (here 1.5 s), or answers 410 Gone once, is disabled with a reason; its deliveries are held,
 * the tenant's other sinks hear INTEGRATION_DISABLED, and enabling the sink resumes them.
 */
let sys: System;
const receivers: Receiver[] = [];
beforeAll(async () => {
  // Many tries per round, so only the breaker (not the budget) stops a failing delivery.
  sys = await startSystem({ config: { TOCSIN_BREAKER_OPEN_AFTER_MS: 1_500, TOCSIN_RETRY_MAX_ATTEMPTS: 50 } });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await sys?.close();
});

/** A receiver answering `/hook` with whatever `status.value` is at the time. */
async function endpoint(initial: number) {
  const r = await startReceiver();
  receivers.push(r);
  const status = { value: initial };
  r.route('/hook', () => ({ status: status.value, body: `answer ${status.value}` }));
  return { r, status };
}

async function sink(token: string, r: Receiver, events: string[]): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', token, { name: events.join(','), event_sink_args: { Webhook: { url: `${r.url}/hook` } }, events });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

async function post(token: string, action: string): Promise<string> {
  const res = await sys.request('POST', '/v1/events', token, { action });
  expect(res.status).toBe(202);
  return res.body.id;
}

async function deliveryOf(token: string, sinkId: string, eventId: string, states: string[]) {
  return eventually(async () => {
    const res = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?limit=100`, token);
    const d = res.body.deliveries.find((x: { event_id: string }) => x.event_id === eventId);
    return d && states.includes(d.state) ? d : undefined;
  }, 30_000, `delivery of ${eventId} to be ${states.join(' or ')}`);
}

const sinkOf = async (token: string, id: string) => (await sys.request('GET', `/v1/event_sink/${id}`, token)).body.event_sink;

/** The INTEGRATION_DISABLED records an observer sink received about `sinkId`. */
const announcements = (observer: Receiver, sinkId: string) =>
  observer.requests.map((q: ReceivedRequest) => JSON.parse(q.body.toString())).filter((e) => e.action === 'INTEGRATION_DISABLED' && e.resource?.id === sinkId);

test('a sink failing without a break is disabled as circuit_open, its delivery held; enabling it delivers', async () => {
  const { tenantId, token } = await sys.tenant('enterprise');
  const failing = await endpoint(500);
  const watcher = await endpoint(200);
  const sinkId = await sink(token, failing.r, ['SSH_CA_ROTATED']);
  await sink(token, watcher.r, ['INTEGRATION_DISABLED']);
  const eventId = await post(token, 'SSH_CA_ROTATED');

  const held = await deliveryOf(token, sinkId, eventId, ['held', 'failed', 'delivered']);
  expect(held.state).toBe('held');
  const opened = await sinkOf(token, sinkId);
  expect(opened).toMatchObject({ enabled: false, disabled_reason: 'circuit_open' });
  expect(eventSink.safeParse(opened).error).toBeUndefined();
  // It took more than one failed try, spread over the breaker's 1.5 s, none delivered.
  const detail = (await sys.request('GET', `/v1/deliveries/${held.id}`, token)).body;
  expect(deliveryDetailResponse.safeParse(detail).error).toBeUndefined();
  const log = detail.delivery.attempt_log;
  expect(log.length).toBeGreaterThan(1);
  expect(log.every((a: { status_code: number }) => a.status_code === 500)).toBe(true);
  expect(Date.parse(log.at(-1).started_at) - Date.parse(log[0].started_at)).toBeGreaterThanOrEqual(1_500);
  const listed = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?state=held`, token);
  expect(listed.body.deliveries.map((d: { id: string }) => d.id)).toEqual([held.id]);

  // The tenant's other sink hears of it, from the system, once.
  const [notice] = await eventually(async () => {
    const seen = announcements(watcher.r, sinkId);
    return seen.length > 0 ? seen : undefined;
  });
  expect(notice).toMatchObject({ tenant_id: tenantId, category: 'org', actor: { type: 'System' }, resource: { id: sinkId, type: 'EventSink' }, detail: { reason: 'circuit_open', event_sink_type: 'Webhook' } });
  const stream = await sys.request('GET', '/events/v1?limit=1000', token);
  expect(stream.body.data.filter((e: { action: string }) => e.action === 'INTEGRATION_DISABLED').map((e: { id: string }) => e.id)).toEqual([notice.id]);

  // Nothing more is sent to it while it is open.
  const triesWhileOpen = failing.r.requests.length;
  failing.status.value = 200;
  const on = await sys.request('PUT', `/v1/event_sink/${sinkId}`, token, { enabled: true });
  expect(on.status).toBe(200);
  expect(on.body.event_sink).toMatchObject({ enabled: true, disabled_reason: null });
  const done = await deliveryOf(token, sinkId, eventId, ['delivered', 'failed']);
  expect(done.state).toBe('delivered');
  expect(failing.r.requests.length).toBe(triesWhileOpen + 1);
  // The circuit is closed: the failing run starts afresh.
  const row = await sys.db.withTenant(tenantId, (tx) => tx.eventSink.findFirst({ where: { id: sinkId } }));
  expect(row?.failingSince).toBeNull();
  expect(announcements(watcher.r, sinkId)).toHaveLength(1);
});

test('410 Gone disables the sink at once; its deliveries are held, not failed or skipped', async () => {
  const { token } = await sys.tenant('team');
  const gone = await endpoint(410);
  const watcher = await endpoint(200);
  const sinkId = await sink(token, gone.r, ['SSH_CA_ROTATED']);
  await sink(token, watcher.r, ['INTEGRATION_DISABLED']);
  const eventId = await post(token, 'SSH_CA_ROTATED');

  const held = await deliveryOf(token, sinkId, eventId, ['held', 'failed', 'delivered']);
  expect(held).toMatchObject({ state: 'held', attempts: 1, last_status: 410, last_error_code: 'not_found' });
  expect(await sinkOf(token, sinkId)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
  const [notice] = await eventually(async () => {
    const seen = announcements(watcher.r, sinkId);
    return seen.length > 0 ? seen : undefined;
  });
  expect(notice.detail).toMatchObject({ reason: 'gone' });
  // The worker told the api: ingest stops routing to the sink well before its cache entry (5 s)
  // would expire.
  await eventually(async () => {
    const res = await sys.request('POST', '/v1/events', token, { action: 'SSH_CA_ROTATED' });
    return res.body.deliveries === 0 ? true : undefined;
  }, 2_000, 'ingest to stop routing to the disabled sink');

  // A manual retry is refused while the sink is disabled; enabling it resumes the delivery.
  expect((await sys.request('POST', `/v1/deliveries/${held.id}/retry`, token)).body.error.code).toBe('sink_disabled');
  gone.status.value = 200;
  expect((await sys.request('PUT', `/v1/event_sink/${sinkId}`, token, { enabled: true })).status).toBe(200);
  expect(await deliveryOf(token, sinkId, eventId, ['delivered', 'failed'])).toMatchObject({ state: 'delivered', attempts: 2, last_status: 200 });
});

test('an admin disable holds the waiting deliveries, enable resumes them; a delete skips the held ones', async () => {
  const { token } = await sys.tenant('team');
  const flaky = await endpoint(500);
  const sinkId = await sink(token, flaky.r, ['SSH_CA_ROTATED']);
  const first = await post(token, 'SSH_CA_ROTATED');
  await eventually(async () => (flaky.r.requests.length > 0 ? true : undefined));
  const off = await sys.request('PUT', `/v1/event_sink/${sinkId}`, token, { enabled: false });
  expect(off.body.event_sink).toMatchObject({ enabled: false, disabled_reason: 'disabled_by_admin' });
  // Retrying when disabled, or in flight then: either way it is held once its turn comes.
  const held = await deliveryOf(token, sinkId, first, ['held']);
  expect(held.attempts).toBeGreaterThanOrEqual(1);

  flaky.status.value = 200;
  expect((await sys.request('PUT', `/v1/event_sink/${sinkId}`, token, { enabled: true })).status).toBe(200);
  expect(await deliveryOf(token, sinkId, first, ['delivered', 'failed'])).toMatchObject({ state: 'delivered' });

  flaky.status.value = 500;
  const second = await post(token, 'SSH_CA_ROTATED');
  await eventually(async () => (flaky.r.requests.length > held.attempts + 1 ? true : undefined));
  await sys.request('PUT', `/v1/event_sink/${sinkId}`, token, { enabled: false });
  const secondHeld = await deliveryOf(token, sinkId, second, ['held']);
  expect((await sys.request('DELETE', `/v1/event_sink/${sinkId}`, token)).status).toBe(200);
  const after = (await sys.request('GET', `/v1/deliveries/${secondHeld.id}`, token)).body.delivery;
  expect(after).toMatchObject({ state: 'skipped', last_error_code: 'sink_deleted' });
});
