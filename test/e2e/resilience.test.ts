import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startReceiver } from '@tocsin/channels/testing';
import { OwnRedis } from '../support/redis-server.js';
import { eventually, startSystem, type System } from '../support/system.js';

async function states(sys: System, tenantId: string): Promise<Record<string, number>> {
  const rows = await sys.db.withTenant(tenantId, (tx) => tx.delivery.groupBy({ by: ['state'], _count: true }));
  return Object.fromEntries(rows.map((r) => [r.state, r._count]));
}

async function postMany(sys: System, token: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, () => sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' }));
    statuses.push(...(await Promise.all(batch)).map((r) => r.status));
  }
  return statuses;
}

describe('Redis stopped while events are posted', () => {
  let redis: OwnRedis;
  let sys: System;
  beforeAll(async () => {
    redis = await OwnRedis.start();
    sys = await startSystem({ config: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await sys?.close();
    await redis?.stop();
  });

  test('all 200 are answered 202 and all are delivered once Redis is back', async () => {
    const receiver = await startReceiver();
    try {
      const { tenantId, token } = await sys.tenant('team');
      const sink = await sys.request('POST', '/v1/event_sink', token, { name: 'r', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] });
      expect(sink.status).toBe(201);

      await redis.stop();
      const statuses = await postMany(sys, token, 200);
      expect(statuses).toEqual(Array(200).fill(202));
      expect(await states(sys, tenantId)).toEqual({ pending: 200 });

      await redis.start();
      await eventually(async () => ((await states(sys, tenantId)).delivered === 200 ? true : undefined), 60_000, '200 delivered');
      const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});

const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));

describe('a worker killed with SIGKILL while deliveries are in flight', () => {
  let sys: System;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    sys = await startSystem({ worker: false, config: { TOCSIN_HTTP_TIMEOUT_MS: 1_000 } });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await sys?.close();
  });

  /** A worker in its own process, configured like the test system (the box key travels in env). */
  function spawnWorker(key: string): ChildProcess {
    const c = sys.config;
    const child = spawn(process.execPath, [BIN, 'worker'], {
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: c.DATABASE_URL,
        REDIS_URL: c.REDIS_URL,
        TOCSIN_QUEUE_PREFIX: c.TOCSIN_QUEUE_PREFIX,
        TOCSIN_ENCRYPTION_KEY: key,
        TOCSIN_EGRESS_ALLOW: '127.0.0.0/8',
        TOCSIN_HTTP_TIMEOUT_MS: '1000',
        TOCSIN_WORKER_CONCURRENCY: '50',
        TOCSIN_RETRY_BASE_MS: '100',
        TOCSIN_RELAY_INTERVAL_MS: '200',
        TOCSIN_RELAY_GRACE_MS: '1000',
        TOCSIN_RELAY_RECHECK_MS: '2000',
        LOG_LEVEL: 'warn',
      },
    });
    children.push(child);
    return child;
  }

  test('after a new worker starts, every one of 500 deliveries ends delivered', async () => {
    const receiver = await startReceiver({ defaultResponse: { status: 200, delayMs: 100 } });
    try {
      const { tenantId, token } = await sys.tenant('team');
      expect((await sys.request('POST', '/v1/event_sink', token, { name: 'k', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] })).status).toBe(201);
      const key = sys.encryptionKey;
      const first = spawnWorker(key);
      expect(await postMany(sys, token, 500)).toEqual(Array(500).fill(202));
      await receiver.waitForRequests(100, 30_000);
      first.kill('SIGKILL');
      await once(first, 'exit');
      const before = await states(sys, tenantId);
      expect(before.delivered ?? 0).toBeLessThan(500);

      spawnWorker(key);
      await eventually(async () => ((await states(sys, tenantId)).delivered === 500 ? true : undefined), 90_000, '500 delivered');
      expect(await states(sys, tenantId)).toEqual({ delivered: 500 });
      // At least once: every delivery reached the receiver; a few may have arrived twice.
      expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(500);
    } finally {
      await receiver.close();
    }
  });
});

describe('a receiver that takes 5 s per request', () => {
  let sys: System;
  beforeAll(async () => {
    sys = await startSystem({ config: { TOCSIN_HTTP_TIMEOUT_MS: 10_000 } });
  });
  afterAll(async () => sys?.close());

  test('does not hold up ingest: every POST is answered before the receiver has answered once', async () => {
    const receiver = await startReceiver({ defaultResponse: { status: 200, delayMs: 5_000 } });
    try {
      const { token } = await sys.tenant('team');
      await sys.request('POST', '/v1/event_sink', token, { name: 's', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] });
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' })).status);
      expect(statuses).toEqual(Array(50).fill(202));
      // The receiver has started requests (deliveries are under way) but answered none yet.
      await receiver.waitForRequests(1, 10_000);
      expect(receiver.responded).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
