import { Redis } from 'ioredis';
import { startReceiver, type Receiver, type ReceiverOptions } from '@tocsin/channels/testing';
import { OwnRedis } from '../support/redis-server.js';
import { eventually, startSystem, type System } from '../support/system.js';
import { ACTION, account, histogram, lanes, record, sleep, webhookSink } from './harness.js';

/** Scenarios 2 and 3, each on a private redis-server (never the machine's shared one). */

/** For one describe: a private redis-server, a system on it and a receiver, torn down after. */
function onOwnRedis(receiverOptions?: ReceiverOptions) {
  const fixture = {} as { redis: OwnRedis; sys: System; receiver: Receiver };
  beforeAll(async () => {
    fixture.redis = await OwnRedis.start();
    fixture.sys = await startSystem({ config: { REDIS_URL: fixture.redis.url, LOG_LEVEL: 'warn' } });
    fixture.receiver = await startReceiver(receiverOptions);
  });
  afterAll(async () => {
    await fixture.receiver?.close();
    await fixture.sys?.close();
    await fixture.redis?.stop();
  });
  return fixture;
}

describe('chaos: FLUSHALL of Redis mid-run', () => {
  const fixture = onOwnRedis({ defaultResponse: { status: 200, delayMs: 10 } });

  test('the relay re-enqueues from PostgreSQL: every delivery arrives, none lost', async () => {
    const { redis, sys, receiver } = fixture;
    const TOTAL = 2_000;
    const { tenantId, token } = await sys.tenant('enterprise');
    await webhookSink(sys, token, receiver.url);
    let accepted = 0;
    const posting = (async () => {
      for (let i = 0; i < TOTAL; i += 100) {
        const res = await sys.request('POST', '/v1/events', token, { events: Array.from({ length: 100 }, () => ({ action: ACTION })) });
        expect(res.status).toBe(202);
        accepted += res.body.accepted as number;
      }
    })();
    await receiver.waitForRequests(TOTAL / 4, 60_000);
    const admin = new Redis(redis.url);
    try {
      expect(await admin.flushall()).toBe('OK');
    } finally {
      admin.disconnect();
    }
    const atFlush = receiver.requests.length;
    await posting;
    await eventually(async () => ((await account(sys, tenantId, receiver)).states.delivered === TOTAL ? true : undefined), 90_000, `${TOTAL} delivered`);
    const a = await account(sys, tenantId, receiver);
    const ok = a.lost === 0 && a.accepted === TOTAL && accepted === TOTAL && a.eventsUnderTwoIds === 0;
    await record({ scenario: '2 Redis FLUSHALL mid-run', accepted: a.accepted, delivered: a.unique, duplicates: a.duplicates, lost: a.lost, measured: `flushed after ${atFlush} received`, ok });
    expect(accepted).toBe(TOTAL);
    expect(a.states).toEqual({ delivered: TOTAL });
    expect(a.lost).toBe(0);
    expect(a.eventsUnderTwoIds).toBe(0);
  });
});

describe('chaos: Redis down 20 s during steady ingest', () => {
  const fixture = onOwnRedis();

  test('every ingest request is answered 202 while Redis is down, and all are delivered after', async () => {
    const { redis, sys, receiver } = fixture;
    const DOWN_MS = 20_000;
    const { tenantId, token } = await sys.tenant('enterprise');
    await webhookSink(sys, token, receiver.url);
    let phase: 'before' | 'down' | 'after' | 'done' = 'before';
    const byPhase: Record<string, number[]> = { before: [], down: [], after: [] };
    // Steady ingest: 4 lanes, one event per request, paced ~25 ms per lane.
    const ingest = lanes(4, () => phase === 'done', async () => {
      const p = phase;
      const res = await sys.request('POST', '/v1/events', token, { action: ACTION });
      if (p !== 'done') byPhase[p]!.push(res.status);
      await sleep(25);
      return res.status;
    });
    await sleep(3_000);
    await redis.stop();
    phase = 'down';
    await sleep(DOWN_MS);
    phase = 'after';
    await redis.start();
    await sleep(3_000);
    phase = 'done';
    const statuses = await ingest;

    await eventually(async () => {
      const a = await account(sys, tenantId, receiver);
      return a.states.delivered === a.accepted ? true : undefined;
    }, 90_000, 'every accepted event delivered');
    const a = await account(sys, tenantId, receiver);
    const all202 = statuses.every((s) => s === 202);
    const ok = all202 && a.lost === 0 && a.accepted === statuses.length;
    await record({
      scenario: '3 Redis down 20 s',
      accepted: a.accepted,
      delivered: a.unique,
      duplicates: a.duplicates,
      lost: a.lost,
      measured: `${byPhase.down!.length} posted while down: ${JSON.stringify(histogram(byPhase.down!))}`,
      ok,
    });
    expect(histogram(statuses)).toEqual({ 202: statuses.length });
    expect(byPhase.down!.length).toBeGreaterThan(50);
    expect(a.accepted).toBe(statuses.length);
    expect(a.states).toEqual({ delivered: a.accepted });
    expect(a.lost).toBe(0);
  });
});
