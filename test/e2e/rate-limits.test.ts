import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventSink } from '../../apps/api/src/openapi/responses.js';
import { deliveryDetailResponse } from '../../apps/api/src/deliveries/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * Delivery under pressure: a sink's own rate, and destinations that ask to wait. Two counted
 * tries per round and two Retry-After deferrals, so counting is told apart on the third try.
 */
let sys: System;
let tenant: { tenantId: string; token: string };
const receivers: Receiver[] = [];
beforeAll(async () => {
  sys = await startSystem({ config: { TOCSIN_RETRY_MAX_ATTEMPTS: 2, TOCSIN_RETRY_MAX_DEFERRALS: 2 } });
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

async function webhook(r: Receiver, action: string, extra: Record<string, unknown> = {}) {
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: action, event_sink_args: { Webhook: { url: `${r.url}/hook` } }, events: [action], ...extra });
  expect(res.status).toBe(201);
  return res.body.event_sink;
}

async function post(action: string): Promise<string> {
  const res = await sys.request('POST', '/v1/events', tenant.token, { action });
  expect(res.status).toBe(202);
  return res.body.id;
}

async function finished(sinkId: string, eventId: string) {
  const d = await eventually(async () => {
    const res = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?limit=100`, tenant.token);
    const found = res.body.deliveries.find((x: { event_id: string }) => x.event_id === eventId);
    return found && ['delivered', 'failed'].includes(found.state) ? found : undefined;
  }, 30_000, `delivery of ${eventId} to finish`);
  const detail = (await sys.request('GET', `/v1/deliveries/${d.id}`, tenant.token)).body;
  expect(deliveryDetailResponse.safeParse(detail).error).toBeUndefined();
  return detail.delivery;
}

const throttle = (status: number) => ({ status, headers: { 'retry-after': '1' }, body: 'slow down' });

test('a sink’s own rate paces it (a webhook is unlimited by default), and waiting costs no attempt', async () => {
  const r = await receiver();
  const sink = await webhook(r, 'SSH_CA_ROTATED', { rate_per_second: 2 });
  expect(sink.rate_per_second).toBe(2);
  expect(eventSink.safeParse(sink).error).toBeUndefined();
  const posted = await sys.request('POST', '/v1/events', tenant.token, { events: Array.from({ length: 5 }, () => ({ action: 'SSH_CA_ROTATED' })) });
  expect(posted.status).toBe(202);
  await r.waitForRequests(5, 20_000);
  const arrivals = r.requests.map((q) => q.receivedAt).sort((a, b) => a - b);
  // Two at once (one second's worth), then one slot (500 ms) apart at the least.
  expect(arrivals[4]! - arrivals[0]!).toBeGreaterThanOrEqual(1_000);
  await eventually(async () => {
    const rows = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findMany({ where: { sinkId: sink.id } }));
    return rows.length === 5 && rows.every((d) => d.state === 'delivered') ? rows : undefined;
  }).then((rows) => expect(rows.map((d) => d.attempts)).toEqual([1, 1, 1, 1, 1]));

  // null restores the kind's default; a batching kind takes no rate.
  const reset = await sys.request('PUT', `/v1/event_sink/${sink.id}`, tenant.token, { rate_per_second: null });
  expect(reset.body.event_sink.rate_per_second).toBeNull();
  const splunk = await sys.request('POST', '/v1/event_sink', tenant.token, {
    name: 'siem',
    event_sink_args: { Splunk: { url: `${r.url}/services/collector/event`, token: '00000000-0000-0000-0000-000000000000' } },
    rate_per_second: 5,
  });
  expect(splunk.status).toBe(400);
  expect(splunk.body.error.details.map((d: { path: string }) => d.path)).toEqual(['rate_per_second']);
  expect((await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'x', event_sink_args: { Webhook: { url: `${r.url}/hook` } }, rate_per_second: -1 })).status).toBe(400);
});

test('429 and 503 with Retry-After wait as asked without using up the tries: logged, then delivered', async () => {
  const r = await receiver();
  r.script(throttle(503), throttle(429), { status: 500 }, { status: 200 });
  const sink = await webhook(r, 'SECRET_EXPIRED');
  const d = await finished(sink.id, await post('SECRET_EXPIRED'));
  // Two counted tries per round: the 500 was the first, the 200 the second.
  expect(d).toMatchObject({ state: 'delivered', attempts: 4, deferrals: 2, last_status: 200 });
  expect(d.attempt_log.map((a: { status_code: number; outcome: string }) => [a.status_code, a.outcome])).toEqual([
    [503, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [200, 'delivered'],
  ]);
  const at = d.attempt_log.map((a: { started_at: string }) => Date.parse(a.started_at));
  // Retry-After: 1 is a floor for each deferral.
  expect(at[1] - at[0]).toBeGreaterThanOrEqual(1_000);
  expect(at[2] - at[1]).toBeGreaterThanOrEqual(1_000);
  expect(d.retry_policy).toMatchObject({ severity: expect.any(String), max_attempts: 2, max_deferrals: 2 });
});

test('a destination answering 429 forever still ends failed: deferrals are bounded, then the tries count', async () => {
  const r = await receiver();
  r.route('/hook', throttle(429));
  const sink = await webhook(r, 'SECRET_PURGED');
  const d = await finished(sink.id, await post('SECRET_PURGED'));
  expect(d).toMatchObject({ state: 'failed', attempts: 4, deferrals: 2, last_status: 429, last_error_code: 'rate_limited' });
  expect(r.requests).toHaveLength(4);
});
