import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { WorkerProcesses, untilLogged } from '../support/worker-process.js';
import { eventually, startSystem, type System } from '../support/system.js';

/** SIGTERM to `tocsin worker`: take no new job, let the sends in flight finish and be recorded, exit within TOCSIN_SHUTDOWN_GRACE_MS. */
describe('a worker process asked to stop (SIGTERM) with a delivery in flight', () => {
  let sys: System;
  let receiver: Receiver;
  let workers: WorkerProcesses;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, config: { TOCSIN_HTTP_TIMEOUT_MS: 3_000 } });
    receiver = await startReceiver();
    workers = new WorkerProcesses(sys);
  });
  afterAll(async () => {
    await workers?.killAll();
    await receiver?.close();
    await sys?.close();
  });

  async function sinkAndTenant() {
    const { tenantId, token } = await sys.tenant('team');
    expect((await sys.request('POST', '/v1/event_sink', token, { name: 's', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] })).status).toBe(201);
    const post = async () => {
      const res = await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' });
      expect(res.status).toBe(202);
      return res.body.id as string;
    };
    const delivery = (eventId: string) => sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirstOrThrow({ where: { eventId }, select: { state: true, attempts: true } }));
    return { post, delivery };
  }

  test('within the grace: the send finishes, is recorded delivered once, and the process exits 0', async () => {
    receiver.reset();
    const { post, delivery } = await sinkAndTenant();
    const worker = workers.spawn({ TOCSIN_SHUTDOWN_GRACE_MS: '10000' });
    await untilLogged(worker, 'worker started');
    receiver.script({ status: 200, delayMs: 1_500 });
    const first = await post();
    await receiver.waitForRequests(1, 30_000);

    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    await untilLogged(worker, 'worker stopping: no new jobs; finishing the ones in flight');
    const late = await post(); // posted while it drains: not this worker's any more
    const { code } = await worker.exited;
    const tookMs = Date.now() - signalledAt;
    process.stdout.write(`drained and exited ${tookMs} ms after SIGTERM\n`);

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    expect(receiver.responded).toBe(1); // it waited for the slow answer
    expect(await delivery(first)).toEqual({ state: 'delivered', attempts: 1 });
    expect((await delivery(late)).state).not.toBe('delivered');
    expect(receiver.requests).toHaveLength(1);

    // The next worker sends the one posted during shutdown, and nothing twice.
    const next = workers.spawn();
    await eventually(async () => ((await delivery(late)).state === 'delivered' ? true : undefined), 30_000, 'the late delivery');
    expect(await delivery(first)).toEqual({ state: 'delivered', attempts: 1 });
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(receiver.requests.length);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });

  test('past the grace: the process exits anyway, and the delivery is sent again by the next worker', async () => {
    receiver.reset();
    const { post, delivery } = await sinkAndTenant();
    const worker = workers.spawn({ TOCSIN_SHUTDOWN_GRACE_MS: '500' });
    await untilLogged(worker, 'worker started');
    receiver.script({ status: 200, delayMs: 60_000 }); // never answered in time
    const id = await post();
    await receiver.waitForRequests(1, 30_000);

    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    const { code } = await worker.exited;
    const tookMs = Date.now() - signalledAt;
    process.stdout.write(`exited ${tookMs} ms after SIGTERM with a grace of 500 ms\n`);
    expect(code).toBe(1);
    // The grace, plus the moment to close connections; well under the 3 s the send could take.
    expect(tookMs).toBeLessThan(2_500);
    expect(worker.lines.some((l) => l.includes('shutdown grace over'))).toBe(true);
    expect((await delivery(id)).state).toBe('in_flight');

    workers.spawn();
    await eventually(async () => ((await delivery(id)).state === 'delivered' ? true : undefined), 60_000, 'delivered by the next worker');
    expect((await delivery(id)).attempts).toBe(2);
  });
});
