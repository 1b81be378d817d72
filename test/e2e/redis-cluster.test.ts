import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { openQueueStore, queueStoreOptionsOf } from '@tocsin/queue';
import { SinkCache } from '../../apps/api/src/sinks/cache.js';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { OwnRedisCluster } from '../support/redis-server.js';
import { eventually, startSystem, type System } from '../support/system.js';

/** The api and the workers, unchanged, against a three-master Redis Cluster on loopback. */
describe('Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let sys: System;
  let receiver: Receiver;
  beforeAll(async () => {
    cluster = await OwnRedisCluster.start(3);
    const nodes = cluster.ports.map((port) => ({ host: '127.0.0.1', port }));
    sys = await startSystem({ config: { REDIS_URL: `redis://127.0.0.1:${cluster.ports[0]}`, REDIS_CLUSTER_NODES: nodes } });
    receiver = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await sys?.close();
    await cluster?.stop();
  });

  test('ingest → queue → delivery to a loopback receiver; readiness checks the cluster', async () => {
    const ready = await sys.request('GET', '/readyz', undefined);
    expect([ready.status, ready.body.checks]).toEqual([200, { postgres: 'ok', redis: 'ok' }]);

    const { tenantId, token } = await sys.tenant('team');
    expect((await sys.request('POST', '/v1/event_sink', token, { name: 'c', event_sink_args: { Webhook: { url: receiver.url } }, events: ['HONEYTOKEN_TRIPPED'] })).status).toBe(201);
    const posted = await Promise.all(Array.from({ length: 20 }, () => sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' })));
    expect(posted.map((r) => r.status)).toEqual(Array(20).fill(202));
    await eventually(async () => ((await sys.db.withTenant(tenantId, (tx) => tx.delivery.count({ where: { state: 'delivered' } }))) === 20 ? true : undefined), 30_000, '20 delivered');
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(20);

    // The jobs went through the cluster: the webhook queue's keys exist on one of its masters.
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      await once(client, 'ready');
      const keys = (await Promise.all(client.nodes('master').map((n) => n.keys(`${sys.config.TOCSIN_QUEUE_PREFIX}:*`)))).flat();
      expect(keys.some((k) => k.includes('{deliver.webhook}'))).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  test('a sink change published by one process is heard by another through cluster pub/sub', async () => {
    const options = queueStoreOptionsOf({ ...sys.config, TOCSIN_QUEUE: 'redis' });
    const [pub, sub] = [openQueueStore(options), openQueueStore(options)];
    try {
      const listening = new SinkCache(60_000, { prefix: sys.config.TOCSIN_QUEUE_PREFIX, bus: sub.bus, listen: true });
      const publishing = new SinkCache(60_000, { prefix: sys.config.TOCSIN_QUEUE_PREFIX, bus: pub.bus, listen: false });
      await new Promise<void>((resolve) => sub.bus.onConnect(resolve));
      const tenantId = randomUUID();
      let loads = 0;
      const load = async () => (loads++, []);
      await listening.get(tenantId, load);
      await listening.get(tenantId, load);
      expect(loads).toBe(1); // cached
      // Published until heard: the subscription may not be in yet when the first one goes out.
      await eventually(async () => {
        publishing.invalidate(tenantId);
        await listening.get(tenantId, load);
        return loads > 1 ? true : undefined;
      }, 10_000, 'the invalidation heard');
    } finally {
      await pub.close();
      await sub.close();
    }
  });
});
