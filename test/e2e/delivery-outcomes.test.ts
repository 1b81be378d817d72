import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { deliveryDetailResponse } from '../../apps/api/src/deliveries/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

/** How a delivery ends when it cannot be sent, as the admin API shows it. */

const read = async (sys: System, token: string, id: string) => {
  const res = await sys.request('GET', `/v1/deliveries/${id}`, token);
  expect(res.status).toBe(200);
  expect(deliveryDetailResponse.safeParse(res.body).error).toBeUndefined();
  return res.body.delivery;
};

describe('running out of attempts', () => {
  const MAX = 3;
  let sys: System;
  let receiver: Receiver;
  beforeAll(async () => {
    sys = await startSystem({ config: { TOCSIN_RETRY_MAX_ATTEMPTS: MAX } });
    receiver = await startReceiver({ defaultResponse: { status: 503, body: 'maintenance window' } });
  });
  afterAll(async () => {
    await receiver?.close();
    await sys?.close();
  });

  test('ends failed, with the attempt count, the last error and every attempt visible through GET /v1/deliveries/{id}', async () => {
    const { tenantId, token } = await sys.tenant('team');
    const sink = await sys.request('POST', '/v1/event_sink', token, { name: 'down', event_sink_args: { Webhook: { url: `${receiver.url}/hook` } }, events: ['SSH_CA_ROTATED'] });
    expect(sink.status).toBe(201);
    const posted = await sys.request('POST', '/v1/events', token, { action: 'SSH_CA_ROTATED' });
    expect(posted.status).toBe(202);
    const row = await eventually(async () => {
      const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirst({ where: { eventId: posted.body.id } }));
      return d?.state === 'failed' ? d : undefined;
    }, 30_000, 'the delivery to fail');

    const shown = await read(sys, token, row.id);
    expect(shown).toMatchObject({ id: row.id, event_id: posted.body.id, state: 'failed', attempts: MAX, last_status: 503, last_error_code: 'server_error' });
    expect(shown.last_error).toEqual(expect.stringMatching(/\S/));
    expect(shown.finished_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(shown.attempt_log.map((a: { attempt: number; outcome: string; status_code: number; error_code: string }) => [a.attempt, a.outcome, a.status_code, a.error_code])).toEqual([
      [1, 'retryable', 503, 'server_error'],
      [2, 'retryable', 503, 'server_error'],
      [3, 'retryable', 503, 'server_error'],
    ]);
    // One request per attempt, all of one delivery; a failed delivery is not tried again.
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual(Array(MAX).fill(row.id));
  });
});

describe('a sink deleted after the event was ingested', () => {
  let sys: System;
  let receiver: Receiver;
  beforeAll(async () => {
    // No worker until the sink is gone, so the delivery is still pending when it is deleted.
    sys = await startSystem({ worker: false });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await sys?.close();
  });

  test('ends its pending delivery skipped (sink_deleted) without sending, and the record stays readable', async () => {
    const { tenantId, token } = await sys.tenant('team');
    const sink = await sys.request('POST', '/v1/event_sink', token, { name: 'gone', event_sink_args: { Webhook: { url: `${receiver.url}/hook` } }, events: ['JIT_APPROVED'] });
    expect(sink.status).toBe(201);
    const posted = await sys.request('POST', '/v1/events', token, { action: 'JIT_APPROVED' });
    expect(posted.body).toMatchObject({ deliveries: 1 });
    const pending = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirstOrThrow({ where: { eventId: posted.body.id } }));
    expect(pending.state).toBe('pending');
    expect((await sys.request('DELETE', `/v1/event_sink/${sink.body.event_sink.id}`, token)).status).toBe(200);

    await sys.startWorker();
    await eventually(async () => {
      const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findUnique({ where: { id: pending.id } }));
      return d?.state === 'skipped' ? d : undefined;
    }, 30_000, 'the delivery to be skipped');
    const shown = await read(sys, token, pending.id);
    expect(shown).toMatchObject({ id: pending.id, state: 'skipped', last_error_code: 'sink_deleted', attempt_log: [] });
    expect(shown.finished_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    // Skipping is decided at the claim, before any send: the receiver was never called.
    expect(receiver.requests).toEqual([]);
  });
});
