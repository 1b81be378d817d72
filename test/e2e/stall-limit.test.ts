import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { WorkerProcesses, untilLogged } from '../support/worker-process.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * BullMQ alone gives a job back after its worker dies only up to its stall limit, and a job it
 * re-runs while the dead worker's claim is still leased completes without sending. Either way
 * the job is finished in Redis while PostgreSQL says the delivery is not: the relay must bring
 * it back (reliability notes §2.1, pitfall 1).
 */
describe('a worker killed with SIGKILL mid-send, twice', () => {
  let sys: System;
  let receiver: Receiver;
  let workers: WorkerProcesses;
  beforeAll(async () => {
    // A 1.5 s timeout gives 5 s job locks and 10 s leases: crashes are noticed within seconds.
    sys = await startSystem({ worker: false, config: { TOCSIN_HTTP_TIMEOUT_MS: 1_500 } });
    receiver = await startReceiver();
    workers = new WorkerProcesses(sys);
  });
  afterAll(async () => {
    await workers?.killAll();
    await receiver?.close();
    await sys?.close();
  });

  test('the delivery still ends delivered, by the third worker', async () => {
    const { tenantId, token } = await sys.tenant('team');
    expect((await sys.request('POST', '/v1/event_sink', token, { name: 'k', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] })).status).toBe(201);
    // The first two requests are never answered: their workers die while waiting.
    receiver.script({ status: 200, delayMs: 120_000 }, { status: 200, delayMs: 120_000 });

    for (let crash = 1; crash <= 2; crash++) {
      const worker = workers.spawn();
      await untilLogged(worker, 'worker started');
      if (crash === 1) expect((await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' })).status).toBe(202);
      await receiver.waitForRequests(crash, 60_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    const last = workers.spawn();
    await untilLogged(last, 'worker started');
    const delivery = await eventually(
      async () => {
        const rows = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany({ select: { state: true, attempts: true } }));
        return rows.length === 1 && rows[0]!.state === 'delivered' ? rows[0]! : undefined;
      },
      90_000,
      'the delivery delivered',
    );
    expect(delivery.attempts).toBe(3);
    // One delivery, sent three times (twice to a worker that died), under one webhook-id.
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
  }, 180_000);
});
