import { Redis } from 'ioredis';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { queueName } from '@tocsin/queue';
import { OwnRedis } from '../support/redis-server.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * BullMQ issues #648, #2466, #3185: a worker that stays disconnected after Redis restarts or
 * fails over, while producers carry on. These run one worker, in this process, through each.
 */
describe('one worker through Redis restarts and failovers', () => {
  let redis: OwnRedis;
  let sys: System;
  let receiver: Receiver;
  let tenantId: string;
  let token: string;
  beforeAll(async () => {
    redis = await OwnRedis.start();
    sys = await startSystem({ config: { REDIS_URL: redis.url } });
    receiver = await startReceiver();
    ({ tenantId, token } = await sys.tenant('team'));
    expect((await sys.request('POST', '/v1/event_sink', token, { name: 'r', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] })).status).toBe(201);
  });
  afterAll(async () => {
    await receiver?.close();
    await sys?.close();
    await redis?.stop();
  });

  const delivered = async () => (await sys.db.withTenant(tenantId, (tx) => tx.delivery.count({ where: { state: 'delivered' } })));
  const post = async () => {
    const res = await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  /** Posts one event and waits until its delivery is delivered; returns how long that took. */
  async function deliverOne(what: string): Promise<number> {
    const before = await delivered();
    const startedAt = Date.now();
    await post();
    await eventually(async () => ((await delivered()) > before ? true : undefined), 30_000, what);
    return Date.now() - startedAt;
  }

  test('a full restart: down for 3 s, back empty; what is posted afterwards is delivered without a new worker', async () => {
    await deliverOne('a delivery before the restart');
    await redis.stop();
    // Long enough for several failed reconnects, so the worker's back-off has grown.
    await new Promise((r) => setTimeout(r, 3_000));
    await redis.start();
    const ms = await deliverOne('a delivery after the restart');
    process.stdout.write(`restart: delivered ${ms} ms after Redis came back\n`);
  });

  test('a job only Redis held (a delayed retry) is lost in the restart and comes back through the relay', async () => {
    receiver.script({ status: 503, headers: { 'retry-after': '3' } });
    const before = await delivered();
    await post();
    // The positive signal that the retry lives in Redis: a delayed job in the webhook queue.
    const probe = new Redis(redis.url);
    try {
      await eventually(async () => ((await probe.zcard(`${sys.config.TOCSIN_QUEUE_PREFIX}:${queueName('webhook')}:delayed`)) === 1 ? true : undefined), 10_000, 'a delayed retry job');
    } finally {
      probe.disconnect();
    }
    await redis.stop();
    await redis.start();
    await eventually(async () => ((await delivered()) > before ? true : undefined), 30_000, 'the lost retry delivered');
  });

  test('a failover-like force unblock (UNBLOCKED error on the blocking connection) does not stop the worker', async () => {
    const admin = new Redis(redis.url);
    try {
      // BullMQ's worker waits for jobs with a blocking BZPOPMIN on its own connection.
      const blocked = await eventually(async () => {
        const ids = String(await admin.call('CLIENT', 'LIST'))
          .split('\n')
          .filter((line) => /cmd=bzpopmin/.test(line))
          .map((line) => /id=(\d+)/.exec(line)![1]!);
        return ids.length > 0 ? ids : undefined;
      }, 10_000, 'a blocked worker connection');
      for (const id of blocked) expect(await admin.client('UNBLOCK', id, 'ERROR')).toBe(1);
    } finally {
      admin.disconnect();
    }
    const ms = await deliverOne('a delivery after the force unblock');
    process.stdout.write(`force unblock: delivered ${ms} ms after\n`);
  });

  test('every connection killed by the server (CLIENT KILL, as a proxy or failover does)', async () => {
    const admin = new Redis(redis.url);
    try {
      const killed = await admin.call('CLIENT', 'KILL', 'SKIPME', 'yes', 'TYPE', 'normal');
      expect(Number(killed)).toBeGreaterThan(0);
    } finally {
      admin.disconnect();
    }
    const ms = await deliverOne('a delivery after every connection was killed');
    process.stdout.write(`client kill: delivered ${ms} ms after\n`);
  });
});
