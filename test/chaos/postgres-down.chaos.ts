import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { OwnPostgres } from '../support/postgres-server.js';
import { eventually, startSystem, type System } from '../support/system.js';
import { ACTION, account, histogram, lanes, record, sleep, webhookSink } from './harness.js';

/** Scenario 4: a private PostgreSQL cluster (never the machine's shared one) stopped, then started. */
describe('chaos: PostgreSQL down, then back', () => {
  let pg: OwnPostgres;
  let sys: System;
  let receiver: Receiver;
  beforeAll(async () => {
    pg = await OwnPostgres.start();
    // startSystem creates its database on the cluster DATABASE_URL names: point it at ours for the call only.
    const shared = process.env.DATABASE_URL;
    process.env.DATABASE_URL = pg.url;
    try {
      sys = await startSystem({ config: { LOG_LEVEL: 'warn' } });
    } finally {
      if (shared === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = shared;
    }
    receiver = await startReceiver();
  }, 120_000);
  afterAll(async () => {
    // Each step is bounded and says when it ran out, so a teardown that hangs names the step
    // (one did, twice in 12 CI runs) instead of running into jest's hook timeout.
    const bounded = async (what: string, step: Promise<unknown> | undefined, ms: number) => {
      const settled = await Promise.race([Promise.resolve(step).then(() => true, () => true), sleep(ms).then(() => false)]);
      if (!settled) process.stderr.write(`postgres-down teardown: ${what} still running after ${ms} ms; going on\n`);
    };
    await bounded('closing the receiver', receiver?.close(), 10_000);
    await bounded('starting the cluster', pg?.start(), 70_000); // close() drops the test database: the cluster must be up
    // If closing waits on a connection the outage left behind, destroying the cluster ends it.
    const closing = sys?.close();
    await bounded('closing the system', closing, 60_000);
    await pg?.destroy();
    await bounded('closing the system after the cluster was destroyed', closing, 20_000);
  }, 175_000);

  test('while down ingest answers 503, never 202; after, ingest works and every 202 is delivered', async () => {
    const { tenantId, token } = await sys.tenant('enterprise');
    await webhookSink(sys, token, receiver.url);
    let phase: 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'done' = 'before';
    const byPhase: Record<string, number[]> = { before: [], down: [], after: [] };
    const ingest = lanes(2, () => phase === 'done', async () => {
      const p = phase;
      const res = await sys.request('POST', '/v1/events', token, { action: ACTION });
      // A request that started in one phase and ended in the next is counted with neither.
      if (p === phase && byPhase[p]) byPhase[p]!.push(res.status);
      await sleep(25);
      return res.status;
    });
    await sleep(3_000);
    phase = 'stopping';
    await pg.stop();
    phase = 'down';
    await sleep(8_000);
    phase = 'starting';
    await pg.start();
    // Give the pools a moment to reconnect, then require ingest to work again.
    await eventually(async () => ((await sys.request('POST', '/v1/events', token, { action: ACTION })).status === 202 ? true : undefined), 30_000, 'ingest working again');
    phase = 'after';
    await sleep(2_000);
    const recoveredFrom = byPhase.after!.length;
    await sleep(3_000);
    phase = 'done';
    const statuses = await ingest;
    const afterRecovery = byPhase.after!.slice(recoveredFrom);

    await eventually(async () => {
      const a = await account(sys, tenantId, receiver);
      return a.states.delivered === a.accepted ? true : undefined;
    }, 90_000, 'every accepted event delivered');
    const a = await account(sys, tenantId, receiver);
    const accepted202 = statuses.filter((s) => s === 202).length + 1; // + the probe in eventually
    const downHist = histogram(byPhase.down!);
    const ok = a.lost === 0 && a.eventsUnderTwoIds === 0 && byPhase.down!.every((s) => s === 503) && afterRecovery.every((s) => s === 202) && a.accepted >= accepted202;
    await record({
      scenario: '4 PostgreSQL down 8 s',
      accepted: a.accepted,
      delivered: a.unique,
      duplicates: a.duplicates,
      lost: a.lost,
      measured: `while down ${JSON.stringify(downHist)}; after ${JSON.stringify(histogram(afterRecovery))}`,
      ok,
    });
    expect(byPhase.down!.length).toBeGreaterThan(10);
    expect(downHist).toEqual({ 503: byPhase.down!.length });
    expect(byPhase.before!.every((s) => s === 202)).toBe(true);
    expect(afterRecovery.length).toBeGreaterThan(10);
    expect(histogram(afterRecovery)).toEqual({ 202: afterRecovery.length });
    // Every 202 is a delivery row (a request cut off mid-commit may have stored one more).
    expect(a.accepted).toBeGreaterThanOrEqual(accepted202);
    expect(a.states).toEqual({ delivered: a.accepted });
    expect(a.lost).toBe(0);
    // A send whose outcome could not be recorded while PostgreSQL was down is sent again, under the same webhook-id.
    expect(a.eventsUnderTwoIds).toBe(0);
  });
});
