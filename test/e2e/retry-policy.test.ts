import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { deliveryDetailResponse, deliveryListResponse } from '../../apps/api/src/deliveries/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * Retries follow the event's severity: here a low delivery is retried for 1.5 s from a 200 ms
 * first delay, a critical one for ten minutes from 50 ms. The budget (20 tries) is far off, so
 * only the window can end the low one.
 */
const LOW_WINDOW_MS = 1_500;
let sys: System;
let tenant: { tenantId: string; token: string };
let dead: Receiver;
beforeAll(async () => {
  sys = await startSystem({
    config: {
      TOCSIN_RETRY_BASE_MS: undefined,
      TOCSIN_RETRY_MAX_ATTEMPTS: 20,
      TOCSIN_RETRY_LOW_FIRST_DELAY_MS: 200,
      TOCSIN_RETRY_LOW_WINDOW_MS: LOW_WINDOW_MS,
      TOCSIN_RETRY_CRITICAL_FIRST_DELAY_MS: 50,
      TOCSIN_RETRY_CRITICAL_WINDOW_MS: 600_000,
    },
  });
  tenant = await sys.tenant('enterprise');
  dead = await startReceiver({ defaultResponse: { status: 500 } });
});
afterAll(async () => {
  await dead?.close();
  await sys?.close();
});

async function sink(action: string): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: action, event_sink_args: { Webhook: { url: `${dead.url}/${action}` } }, events: [action] });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

async function post(action: string): Promise<string> {
  const res = await sys.request('POST', '/v1/events', tenant.token, { action });
  expect(res.status).toBe(202);
  return res.body.id;
}

async function deliveryIn(sinkId: string, states: string[]) {
  return eventually(async () => {
    const res = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries`, tenant.token);
    expect(deliveryListResponse.safeParse(res.body).error).toBeUndefined();
    const [d] = res.body.deliveries;
    return d && states.includes(d.state) ? d : undefined;
  }, 30_000, `a delivery of ${sinkId} in ${states.join(' or ')}`);
}

async function detail(id: string) {
  const res = await sys.request('GET', `/v1/deliveries/${id}`, tenant.token);
  expect(deliveryDetailResponse.safeParse(res.body).error).toBeUndefined();
  return res.body.delivery;
}

test('a low delivery is retried until its window ends, a critical one goes on; each shows its policy', async () => {
  const lowSink = await sink('JIT_REQUESTED');
  const criticalSink = await sink('HONEYTOKEN_TRIPPED');
  await post('JIT_REQUESTED');
  await post('HONEYTOKEN_TRIPPED');

  const low = await detail((await deliveryIn(lowSink, ['failed'])).id);
  expect(low.retry_policy).toEqual({ severity: 'low', first_delay_ms: 200, max_attempts: 20, max_deferrals: 50, window_ms: LOW_WINDOW_MS, retry_until: expect.any(String) });
  const starts = low.attempt_log.map((a: { started_at: string }) => Date.parse(a.started_at));
  const until = Date.parse(low.retry_policy.retry_until);
  // The window runs from the first attempt (fixed when it was claimed, just before it started).
  expect(Math.abs(until - (starts[0] + LOW_WINDOW_MS))).toBeLessThan(1_000);
  // The window ended it, not the budget: the last try came at the window's end, not after it was long past.
  expect(low.attempts).toBeGreaterThan(1);
  expect(low.attempts).toBeLessThan(20);
  expect(starts.at(-1)).toBeGreaterThanOrEqual(until - 50);
  // The first retry waited at least the low first delay, less its jitter.
  expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(160);

  // Meanwhile the critical delivery is still being retried, under its own policy.
  const critical = await detail((await deliveryIn(criticalSink, ['retrying', 'in_flight'])).id);
  expect(critical.retry_policy).toMatchObject({ severity: 'critical', first_delay_ms: 50, max_attempts: 20, window_ms: 600_000 });
  expect(Date.parse(critical.retry_policy.retry_until)).toBeGreaterThan(until);
  expect(critical.attempts).toBeGreaterThan(1);
  await sys.request('DELETE', `/v1/event_sink/${criticalSink}`, tenant.token);
});

test('a manual re-send starts a fresh window', async () => {
  const sinkId = await sink('JIT_EXPIRED');
  await post('JIT_EXPIRED');
  const failed = await detail((await deliveryIn(sinkId, ['failed'])).id);
  const res = await sys.request('POST', `/v1/deliveries/${failed.id}/retry`, tenant.token);
  expect(res.status).toBe(202);
  expect(res.body.delivery).toMatchObject({ state: 'pending', retry_policy: null, deferrals: 0 });
  const again = await eventually(async () => {
    const d = await detail(failed.id);
    return d.state === 'failed' && d.attempts > failed.attempts ? d : undefined;
  });
  expect(Date.parse(again.retry_policy.retry_until)).toBeGreaterThan(Date.parse(failed.retry_policy.retry_until));
  expect(again.attempts - failed.attempts).toBeGreaterThan(1);
});
