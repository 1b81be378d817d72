import { startReceiver } from '@tocsin/channels/testing';
import { sqlSetTenant } from '@tocsin/db';
import { eventually, queuedJobs, startSystem, TestProducer, type System } from '../support/system.js';

let sys: System;
let producer: TestProducer;

// No worker at first: jobs stay in Redis where the test can count them.
beforeAll(async () => {
  sys = await startSystem({ worker: false });
  producer = new TestProducer(sys.config);
});
afterAll(async () => {
  await producer?.close();
  await sys?.close();
});

const waiting = () => queuedJobs(producer.queue('webhook'));

test('recover re-sends at most 10,000 deliveries a call, oldest first, and says when it stopped short', async () => {
  const t = await sys.tenant('team');
  const sink = await sys.request('POST', '/v1/event_sink', t.token, { name: 'bulk', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } }, events: ['SSH_CA_ROTATED'] });
  const sinkId = sink.body.event_sink.id;
  const base = new Date('2026-06-01T00:00:00.000Z');
  // 10,001 failed deliveries, one millisecond apart, straight into PostgreSQL.
  await sys.db.sql(async (tx) => {
    await sqlSetTenant(tx, t.tenantId);
    await tx.query(
      `WITH e AS (
         INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at)
         SELECT $1::uuid, gen_random_uuid(), 'SSH_CA_ROTATED', 'SSH CA rotated', 'medium', true, $3::timestamptz + i * interval '1 millisecond'
           FROM generate_series(0, 10000) AS i
         RETURNING id, occurred_at)
       INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, state, attempts, last_error_code, created_at, updated_at, finished_at)
       SELECT gen_random_uuid(), $1::uuid, e.id, $2::uuid, 'webhook', 'failed', 1, 'network', e.occurred_at, e.occurred_at, e.occurred_at FROM e`,
      [t.tenantId, sinkId, base.toISOString()],
    );
  });

  const first = await sys.request('POST', `/v1/event_sink/${sinkId}/recover`, t.token, { since: base.toISOString() });
  expect([first.status, first.body]).toEqual([202, { recovered: 10_000, truncated: true }]);
  // The one left is the newest; every re-sent one got its own job (not the first round's job id).
  const left = await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?state=failed`, t.token);
  expect(left.body.deliveries.map((d: { created_at: string }) => d.created_at)).toEqual([new Date(base.getTime() + 10_000).toISOString()]);
  await eventually(async () => ((await waiting()) === 10_000 ? true : undefined));

  const second = await sys.request('POST', `/v1/event_sink/${sinkId}/recover`, t.token, { since: base.toISOString() });
  expect([second.status, second.body]).toEqual([202, { recovered: 1, truncated: false }]);
  await eventually(async () => ((await waiting()) === 10_001 ? true : undefined));
  const pending = await sys.db.withTenant(t.tenantId, (tx) => tx.delivery.count({ where: { sinkId, state: 'pending', manualRetries: 1, attemptsAtRetry: 1 } }));
  expect(pending).toBe(10_001);

  // Nothing of this should reach the worker started by the next test.
  await producer.queue('webhook').obliterate({ force: true });
  expect((await sys.request('DELETE', `/v1/event_sink/${sinkId}`, t.token)).status).toBe(200);
});

test('a delivery held while its sink was disabled is sent once the sink is enabled again', async () => {
  const t = await sys.tenant('team');
  const receiver = await startReceiver();
  try {
    const sink = await sys.request('POST', '/v1/event_sink', t.token, { name: 'paused', event_sink_args: { Webhook: { url: `${receiver.url}/hook` } }, events: ['JIT_APPROVED'] });
    const sinkId = sink.body.event_sink.id;
    const event = await sys.request('POST', '/v1/events', t.token, { action: 'JIT_APPROVED' });
    expect(event.body.deliveries).toBe(1);
    // Disabled behind the api's back, so it is the worker's claim that finds the sink disabled.
    await sys.db.withTenant(t.tenantId, (tx) => tx.eventSink.update({ where: { id: sinkId }, data: { enabled: false, disabledReason: 'disabled_by_admin' } }));
    await sys.startWorker();
    const list = () => sys.request('GET', `/v1/event_sink/${sinkId}/deliveries`, t.token);
    const held = await eventually(async () => (await list()).body.deliveries.find((d: { state: string }) => d.state === 'held'));
    // The claim's attempt is given back: nothing was sent.
    expect(held).toMatchObject({ event_id: event.body.id, attempts: 0 });
    expect(receiver.requests).toHaveLength(0);

    const refused = await sys.request('POST', `/v1/deliveries/${held.id}/retry`, t.token);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'sink_disabled']);

    expect((await sys.request('PUT', `/v1/event_sink/${sinkId}`, t.token, { enabled: true })).status).toBe(200);
    const delivered = await eventually(async () => (await list()).body.deliveries.find((d: { state: string }) => d.state === 'delivered'));
    expect(delivered.id).toBe(held.id);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([held.id]);
    const detail = (await sys.request('GET', `/v1/deliveries/${held.id}`, t.token)).body.delivery;
    expect(detail.attempt_log.map((a: { attempt: number; outcome: string }) => [a.attempt, a.outcome])).toEqual([[1, 'delivered']]);
  } finally {
    await receiver.close();
  }
});

test("a re-sent delivery whose job Redis lost is rebuilt by the relay, under its round's job id", async () => {
  // Its own system: the worker must start only after the api's job is gone.
  const own = await startSystem({ worker: false });
  const queue = new TestProducer(own.config);
  const t = await own.tenant('team');
  const receiver = await startReceiver();
  try {
    const sink = await own.request('POST', '/v1/event_sink', t.token, { name: 'lost', event_sink_args: { Webhook: { url: `${receiver.url}/hook` } }, events: ['SSH_CA_ROTATED'] });
    const sinkId = sink.body.event_sink.id;
    const [failed] = await own.db.sql(async (tx) => {
      await sqlSetTenant(tx, t.tenantId);
      const { rows } = await tx.query<{ id: string }>(
        `WITH e AS (INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at)
                    VALUES ($1::uuid, gen_random_uuid(), 'SSH_CA_ROTATED', 'SSH CA rotated', 'medium', true, now()) RETURNING id)
         INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, state, attempts, finished_at)
         SELECT gen_random_uuid(), $1::uuid, e.id, $2::uuid, 'webhook', 'failed', 5, now() FROM e RETURNING id`,
        [t.tenantId, sinkId],
      );
      return rows;
    });
    const res = await own.request('POST', `/v1/deliveries/${failed!.id}/retry`, t.token);
    expect(res.status).toBe(202);
    await eventually(async () => ((await queue.queue('webhook').getJob(`${failed!.id}.r1`)) ? true : undefined));
    await queue.queue('webhook').obliterate({ force: true }); // Redis lost its queue

    await own.startWorker();
    const delivered = await eventually(async () => {
      const d = (await own.request('GET', `/v1/deliveries/${failed!.id}`, t.token)).body.delivery;
      return d.state === 'delivered' ? d : undefined;
    });
    expect(delivered.attempt_log.map((a: { attempt: number }) => a.attempt)).toEqual([6]);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([failed!.id]);
    expect(await queue.queue('webhook').getJob(`${failed!.id}.r1`)).toBeDefined();
  } finally {
    await receiver.close();
    await queue.close();
    await own.close();
  }
});
