import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger } from '@tocsin/config';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { sqlSetTenant } from '@tocsin/db';
import { OwnRedis } from '../support/redis-server.js';
import { eventually, queuedJobs, startSystem, TestProducer, type System } from '../support/system.js';
import { Relay, RELAY_TX_IDLE_MS } from '../../apps/worker/src/relay.js';

/** The relay rebuilds the queue from PostgreSQL: what Redis lost or a dead worker held comes back. */

const ACTION = 'HONEYTOKEN_TRIPPED';
const quiet = createLogger('silent', {}, new Writable({ write: (_c, _e, done) => done() }));

async function webhookSink(sys: System, token: string, receiver: Receiver): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', token, { name: 'relay', event_sink_args: { Webhook: { url: receiver.url } }, events: [ACTION] });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

describe('jobs Redis had accepted, then lost (FLUSHALL of a private Redis)', () => {
  let redis: OwnRedis;
  let sys: System;
  let producer: TestProducer;
  let receiver: Receiver;
  beforeAll(async () => {
    redis = await OwnRedis.start();
    // No worker yet: the jobs wait in Redis, where the test can see them before it wipes them.
    sys = await startSystem({ worker: false, config: { REDIS_URL: redis.url } });
    producer = new TestProducer({ ...sys.config, REDIS_URL: redis.url });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await producer?.close();
    await receiver?.close();
    await sys?.close();
    await redis?.stop();
  });

  test('every delivery still arrives, once each', async () => {
    const { tenantId, token } = await sys.tenant('team');
    await webhookSink(sys, token, receiver);
    const COUNT = 30;
    const res = await sys.request('POST', '/v1/events', token, { events: Array.from({ length: COUNT }, (_, n) => ({ action: ACTION, detail: { n } })) });
    expect(res.status).toBe(202);
    // Redis accepted them: one queued job per delivery (on the wait list, or prioritized once the
    // tenant's recent volume ranks it: see FairShare).
    const queue = producer.queue('webhook');
    await eventually(async () => ((await queuedJobs(queue)) === COUNT ? true : undefined), 10_000, `${COUNT} queued jobs`);

    const admin = new Redis(redis.url);
    try {
      expect(await admin.flushall()).toBe('OK');
      expect(await admin.dbsize()).toBe(0);
    } finally {
      admin.disconnect();
    }

    await sys.startWorker();
    const rows = await eventually(async () => {
      const all = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany({ select: { id: true, state: true, attempts: true } }));
      return all.length === COUNT && all.every((d) => d.state === 'delivered') ? all : undefined;
    }, 30_000, `${COUNT} delivered`);
    // Once each: one claim per delivery, one request per delivery, no other request.
    expect(rows.map((d) => d.attempts)).toEqual(Array(COUNT).fill(1));
    expect(receiver.requests.map((r) => r.headers['webhook-id']).sort()).toEqual(rows.map((d) => d.id).sort());
  });
});

describe('an in_flight claim whose lease ran out (its worker died)', () => {
  let sys: System;
  let receiver: Receiver;
  beforeAll(async () => {
    sys = await startSystem();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await sys?.close();
  });

  test('is taken back by the relay and delivered; a claim under a live lease is left alone', async () => {
    const { tenantId, token } = await sys.tenant('team');
    const sinkId = await webhookSink(sys, token, receiver);
    const expired = randomUUID();
    const live = randomUUID();
    // Rows written straight into PostgreSQL, as a worker that claimed them and died leaves them:
    // no job in Redis names them, so only the relay can bring them back.
    await sys.db.sql(async (tx) => {
      await sqlSetTenant(tx, tenantId);
      for (const [id, age, lease] of [
        [expired, '1 hour', '-1 hour'],
        [live, '0 seconds', '1 hour'],
      ] as const) {
        const eventId = randomUUID();
        await tx.query(`INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at) VALUES ($1, $2, $3, 'Honeytoken tripped', 'critical', true, now())`, [tenantId, eventId, ACTION]);
        await tx.query(
          `INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, state, attempts, updated_at, next_attempt_at)
           VALUES ($1, $2, $3, $4, 'webhook', 'in_flight', 1, now() - $5::interval, now() + $6::interval)`,
          [id, tenantId, eventId, sinkId, age, lease],
        );
      }
    });

    const done = await eventually(async () => {
      const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findUnique({ where: { id: expired } }));
      return d?.state === 'delivered' ? d : undefined;
    }, 30_000, 'the expired claim delivered');
    expect(done.attempts).toBe(2); // the dead worker's attempt, and this one
    const attempts = await sys.db.withTenant(tenantId, (tx) => tx.deliveryAttempt.findMany({ where: { deliveryId: expired } }));
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[2, 'delivered']]);

    // The relay has run since (it delivered the other): the live claim is still its worker's.
    const held = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findUnique({ where: { id: live } }));
    expect(held).toMatchObject({ state: 'in_flight', attempts: 1 });
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([expired]);
  });
});

describe('an enqueue that hangs (the relay’s Redis frozen with SIGSTOP)', () => {
  let redis: OwnRedis;
  let sys: System;
  let producer: TestProducer;
  let owner: pg.Client;
  beforeAll(async () => {
    redis = await OwnRedis.start();
    sys = await startSystem({ worker: false, config: { REDIS_URL: redis.url } });
    producer = new TestProducer({ ...sys.config, REDIS_URL: redis.url });
    owner = new pg.Client({ connectionString: sys.config.DATABASE_URL });
    await owner.connect();
  });
  afterAll(async () => {
    redis?.resume();
    await owner?.end();
    await producer?.close();
    await sys?.close();
    await redis?.stop();
  });

  // The relay's backend once its claim has run and it waits on the enqueue: idle in its
  // transaction, the claim its last statement (between BEGIN and the claim it is idle too, and
  // while the claim runs it is active, so the state alone cannot tell the two apart).
  const claimWaiting = async (): Promise<number | undefined> =>
    (await owner.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%tocsin_claim_due_deliveries%'",
    )).rows[0]?.pid;
  const backendGone = async (pid: number) =>
    (await owner.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0;

  test('does not hold the claim’s transaction open past RELAY_TX_IDLE_MS; the delivery stays due', async () => {
    const { tenantId, token } = await sys.tenant('team');
    const receiver = await startReceiver();
    try {
      await webhookSink(sys, token, receiver);
      const res = await sys.request('POST', '/v1/events', token, { action: ACTION });
      expect(res.status).toBe(202);
      // Due for the relay now, not after its grace.
      await sys.db.sql(async (tx) => {
        await sqlSetTenant(tx, tenantId);
        await tx.query("UPDATE delivery SET next_attempt_at = now() - interval '1 minute'");
      });
      const relay = new Relay(sys.db, producer, quiet, { intervalMs: 60_000, recheckMs: 60_000 });

      redis.pause();
      const round = relay.runOnce();
      round.catch(() => undefined);
      // The claim is made and the enqueue hangs: the transaction sits idle...
      const pid = await eventually(claimWaiting, 3_000, 'the relay idle in its transaction');
      // ...until PostgreSQL ends it, and the session with it.
      await eventually(async () => ((await backendGone(pid)) ? true : undefined), RELAY_TX_IDLE_MS + 3_000, 'the transaction ended');
      redis.resume();
      await expect(round).rejects.toThrow();
      // The claim rolled back with it: the delivery is still due, and the next round takes it.
      expect(await relay.runOnce()).toBe(1);
    } finally {
      await receiver.close();
    }
  }, 30_000);
});
