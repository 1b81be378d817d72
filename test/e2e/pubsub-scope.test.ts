import { randomUUID } from 'node:crypto';
import { testName } from '@tocsin/db/testing';
import type { Bus } from '@tocsin/queue';
import { SinkCache } from '../../apps/api/src/sinks/cache.js';
import { AuthChanges, type AuthChange } from '../../apps/api/src/auth/auth-changes.js';
import { TestStores } from '../support/stores.js';

/**
 * Two deployments (two TOCSIN_QUEUE_PREFIX values) on one queue store: pub/sub channels are
 * global to a Redis server (to a PostgreSQL database), so without the prefix in the channel each
 * would drop the other's caches.
 */
const stores = new TestStores();
afterAll(() => stores.close());
const bus = async (prefix: string) => (await stores.open(prefix)).bus;
const subscribed = (b: Bus) => new Promise<void>((resolve) => b.onConnect(resolve));

const prefixes = () => [testName('ps'), testName('ps')] as const;

test('a sink invalidation is heard within its deployment and not by the other one', async () => {
  const [a, b] = prefixes();
  const pub = await bus(a); // one connection publishes for both: it delivers its messages in order
  const [subA, subB] = [await bus(a), await bus(b)];
  const heardA = new SinkCache(60_000, { prefix: a, bus: subA, listen: true });
  const heardB = new SinkCache(60_000, { prefix: b, bus: subB, listen: true });
  const fromA = new SinkCache(60_000, { prefix: a, bus: pub, listen: false });
  const fromB = new SinkCache(60_000, { prefix: b, bus: pub, listen: false });
  await Promise.all([subscribed(subA), subscribed(subB)]);

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
  const pub = await bus(a);
  const [subA, subB] = [await bus(a), await bus(b)];
  const heard: Record<'a' | 'b', AuthChange[]> = { a: [], b: [] };
  new AuthChanges({ prefix: a, bus: subA, listen: true }).onChange((c) => 'all' in c || heard.a.push(c));
  new AuthChanges({ prefix: b, bus: subB, listen: true }).onChange((c) => 'all' in c || heard.b.push(c));
  await Promise.all([subscribed(subA), subscribed(subB)]);

  const [tokenA, tokenB] = [randomUUID(), randomUUID()];
  await new AuthChanges({ prefix: a, bus: pub, listen: false }).publish({ tokenId: tokenA });
  await new AuthChanges({ prefix: b, bus: pub, listen: false }).publish({ tokenId: tokenB });
  for (let i = 0; i < 200 && (heard.a.length === 0 || heard.b.length === 0); i++) await new Promise((r) => setTimeout(r, 50));
  expect(heard).toEqual({ a: [{ tokenId: tokenA }], b: [{ tokenId: tokenB }] });
});
