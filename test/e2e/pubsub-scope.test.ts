import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@tocsin/config';
import { connectRedis, type RedisClient } from '@tocsin/queue';
import { testName } from '@tocsin/db/testing';
import { SinkCache } from '../../apps/api/src/sinks/cache.js';
import { AuthChanges, type AuthChange } from '../../apps/api/src/auth/auth-changes.js';

/**
 * Two deployments (two TOCSIN_QUEUE_PREFIX values) on one Redis: pub/sub channels are global to
 * a server, so without the prefix in the channel each would drop the other's caches.
 */
const target = { url: loadConfig().REDIS_URL };
const connections: RedisClient[] = [];
const connect = () => {
  const c = connectRedis(target);
  connections.push(c);
  return c;
};
afterAll(() => connections.forEach((c) => c.disconnect()));

const prefixes = () => [testName('ps'), testName('ps')] as const;

test('a sink invalidation is heard within its deployment and not by the other one', async () => {
  const [a, b] = prefixes();
  const pub = connect(); // one connection publishes for both: Redis delivers its messages in order
  const [subA, subB] = [connect(), connect()];
  const heardA = new SinkCache(60_000, { prefix: a, sub: subA });
  const heardB = new SinkCache(60_000, { prefix: b, sub: subB });
  const fromA = new SinkCache(60_000, { prefix: a, pub });
  const fromB = new SinkCache(60_000, { prefix: b, pub });
  await Promise.all([once(subA, 'ready'), once(subB, 'ready')]);

  const tenant = randomUUID();
  const loads = { a: 0, b: 0 };
  const loadA = async () => (loads.a++, []);
  const loadB = async () => (loads.b++, []);
  await heardA.get(tenant, loadA);
  await heardB.get(tenant, loadB);

  // A's invalidation, then (on the same connection, so after it) B's own. Once B has heard its
  // own, it would have heard A's too if it were listening to A's channel.
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  await until(async () => {
    fromA.invalidate(tenant);
    await heardA.get(tenant, loadA);
    return loads.a > 1;
  });
  expect(loads.a).toBeGreaterThan(1); // heard within its own deployment
  await heardB.get(tenant, loadB);
  expect(loads.b).toBe(1); // not dropped by A's messages
  await until(async () => {
    fromB.invalidate(tenant);
    await heardB.get(tenant, loadB);
    return loads.b > 1;
  });
  expect(loads.b).toBe(2); // B's own invalidation is the only one it heard
});

test('an auth change is heard within its deployment and not by the other one', async () => {
  const [a, b] = prefixes();
  const pub = connect();
  const [subA, subB] = [connect(), connect()];
  const heard: Record<'a' | 'b', AuthChange[]> = { a: [], b: [] };
  new AuthChanges({ prefix: a, sub: subA }).onChange((c) => 'all' in c || heard.a.push(c));
  new AuthChanges({ prefix: b, sub: subB }).onChange((c) => 'all' in c || heard.b.push(c));
  await Promise.all([once(subA, 'ready'), once(subB, 'ready')]);
  // The constructors' SUBSCRIBE goes out on ready; a PING on the same connection answers after it.
  await Promise.all([subA.ping(), subB.ping()]).catch(() => undefined);

  const [tokenA, tokenB] = [randomUUID(), randomUUID()];
  await new AuthChanges({ prefix: a, pub }).publish({ tokenId: tokenA });
  await new AuthChanges({ prefix: b, pub }).publish({ tokenId: tokenB });
  for (let i = 0; i < 200 && (heard.a.length === 0 || heard.b.length === 0); i++) await new Promise((r) => setTimeout(r, 50));
  expect(heard).toEqual({ a: [{ tokenId: tokenA }], b: [{ tokenId: tokenB }] });
});
