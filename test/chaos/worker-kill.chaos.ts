import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { WorkerProcesses, untilLogged, type WorkerProcess } from '../support/worker-process.js';
import { eventually, startSystem, type System } from '../support/system.js';
import { ACTION, account, record, webhookSink } from './harness.js';

/**
 * Scenario 1: kill -9 of the worker process 3 times during 5,000 webhook deliveries with the
 * queues in Redis; 1b: the same during 500 with the queues in PostgreSQL (TOCSIN_QUEUE=postgres).
 */
const KILLS = 3;
const CONCURRENCY = 50;

/** Waits for the worker's start line; on failure names its exit and its last log lines. */
async function started(worker: WorkerProcess): Promise<void> {
  try {
    await untilLogged(worker, 'worker started', 60_000);
  } catch (err) {
    throw new Error(`${String(err)} (exit ${worker.child.exitCode ?? worker.child.signalCode}); last lines:\n${worker.lines.slice(-10).join('\n')}`);
  }
}

describe.each([
  { kind: 'redis', TOTAL: 5_000, scenario: '1 worker kill -9 x3' },
  { kind: 'postgres', TOTAL: 500, scenario: '1b worker kill -9 x3, queues in PostgreSQL' },
] as const)('chaos: worker killed with SIGKILL during $TOTAL deliveries, queues in $kind', ({ kind, TOTAL, scenario }) => {
  let sys: System;
  let receiver: Receiver;
  let workers: WorkerProcesses;
  beforeAll(async () => {
    // A 1.5 s timeout gives 5 s job locks and 10 s leases: a dead worker's claims come back within seconds.
    sys = await startSystem({ worker: false, config: { TOCSIN_HTTP_TIMEOUT_MS: 1_500, TOCSIN_QUEUE: kind } });
    receiver = await startReceiver({ defaultResponse: { status: 200, delayMs: 20 } });
    workers = new WorkerProcesses(sys);
  });
  afterAll(async () => {
    await workers?.killAll();
    await receiver?.close();
    await sys?.close();
  });

  test(`${KILLS} kills: every delivery arrives, duplicates only from in-flight sends, under the same webhook-id`, async () => {
    const { tenantId, token } = await sys.tenant('enterprise');
    await webhookSink(sys, token, receiver.url);
    const env = { TOCSIN_WORKER_CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'info' };
    let worker: WorkerProcess = workers.spawn(env);
    await started(worker);

    let accepted = 0;
    const posting = (async () => {
      for (let i = 0; i < TOTAL; i += 100) {
        const res = await sys.request('POST', '/v1/events', token, { events: Array.from({ length: 100 }, (_, n) => ({ action: ACTION, detail: { n: i + n } })) });
        expect(res.status).toBe(202);
        accepted += res.body.accepted as number;
      }
    })();

    for (let kill = 1; kill <= KILLS; kill++) {
      // Kill while sends are in flight: after another slice of the run has arrived.
      await receiver.waitForRequests(Math.floor((TOTAL * kill) / (KILLS + 1)), 120_000);
      worker.child.kill('SIGKILL');
      const exit = await worker.exited;
      expect(exit.signal).toBe('SIGKILL');
      worker = workers.spawn(env);
      await started(worker);
    }
    await posting;
    expect(accepted).toBe(TOTAL);

    await eventually(async () => ((await account(sys, tenantId, receiver)).states.delivered === TOTAL ? true : undefined), 120_000, `${TOTAL} delivered`);
    const a = await account(sys, tenantId, receiver);
    // Each extra copy is a claim that died with its worker: PostgreSQL counted one attempt per send.
    const attempts = new Map((await sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany({ select: { id: true, attempts: true } }))).map((d) => [d.id, d.attempts]));
    const unexplained = [...a.copies].filter(([id, copies]) => copies > (attempts.get(id) ?? 0)).length;
    const ok = unexplained === 0 && a.lost === 0 && a.accepted === TOTAL && a.delivered === TOTAL && a.eventsUnderTwoIds === 0 && a.duplicates <= KILLS * CONCURRENCY;
    await record({ scenario, accepted: a.accepted, delivered: a.unique, duplicates: a.duplicates, lost: a.lost, measured: `dup bound ${KILLS}x${CONCURRENCY} in flight`, ok });
    expect(a.states).toEqual({ delivered: TOTAL });
    expect(a.lost).toBe(0);
    expect(a.unique).toBe(TOTAL);
    // A duplicate is a send in flight at a kill, sent again under the same webhook-id.
    expect(a.eventsUnderTwoIds).toBe(0);
    expect(a.duplicates).toBeLessThanOrEqual(KILLS * CONCURRENCY);
    expect(unexplained).toBe(0);
  });
});
