import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * A sink is paced at its channel's declared rate (PagerDuty: about 120 calls a minute per
 * integration key, declared as 2/s). A delivery that waits for its slot is postponed before it is
 * claimed, so every delivery still takes exactly one attempt.
 */
let sys: System;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ defaultResponse: { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"k"}' } });
  sys = await startSystem();
});
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
});

test('a burst to one sink is spread at its rate, and waiting costs no attempt', async () => {
  const { tenantId, token } = await sys.tenant('team');
  const created = await sys.request('POST', '/v1/event_sink', token, {
    name: 'on-call',
    event_sink_args: { PagerDuty: { routing_key: 'R0UT1NGKEY0123456789abcdefABCDEF', api_url: receiver.url } },
    // Only the burst's action: with `*` the sink would also get its own EVENT_SINK_CREATED audit event.
    events: ['CREDENTIAL_EXPOSURE_DETECTED'],
  });
  expect(created.status).toBe(201);
  const posted = await sys.request('POST', '/v1/events', token, {
    events: Array.from({ length: 5 }, () => ({ action: 'CREDENTIAL_EXPOSURE_DETECTED', severity: 'critical' })),
  });
  expect(posted.status).toBe(202);
  await eventually(async () => {
    const done = await sys.db.withTenant(tenantId, (tx) => tx.delivery.count({ where: { state: 'delivered' } }));
    return done === 5 ? done : undefined;
  });
  const deliveries = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany());
  expect(deliveries.map((d) => d.attempts)).toEqual([1, 1, 1, 1, 1]);
  const arrivals = receiver.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  expect(arrivals).toHaveLength(5);
  // Two go at once (one second's worth), the other three one slot (500 ms) apart at the least.
  expect(arrivals[4]! - arrivals[0]!).toBeGreaterThanOrEqual(1_000);
});
