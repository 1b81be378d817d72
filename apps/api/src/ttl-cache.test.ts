import { TtlCache } from './ttl-cache.js';

test('loads once per key while fresh, caches undefined, reloads after expiry or delete', async () => {
  let loads = 0;
  const load = async () => {
    loads += 1;
    return undefined;
  };
  const fresh = new TtlCache<string, undefined>(60_000);
  await fresh.get('a', load);
  await fresh.get('a', load);
  expect(loads).toBe(1);
  fresh.delete('a');
  await fresh.get('a', load);
  expect(loads).toBe(2);

  const expired = new TtlCache<string, undefined>(-1);
  await expired.get('a', load);
  await expired.get('a', load);
  expect(loads).toBe(4);
});

test('starts over when full', async () => {
  let loads = 0;
  const cache = new TtlCache<number, number>(60_000, 2);
  const load = (n: number) => cache.get(n, async () => (loads += 1));
  await load(1);
  await load(2);
  await load(3); // full: cleared, then 3 stored
  await load(1);
  expect(loads).toBe(4);
});

test('set stores a value without a load: peek sees it while fresh, and get does not load it', async () => {
  const cache = new TtlCache<string, boolean>(60_000);
  expect(cache.peek('a')).toBeUndefined();
  cache.set('a', true);
  expect(cache.peek('a')).toBe(true);
  expect(await cache.get('a', async () => false)).toBe(true);
  const expired = new TtlCache<string, boolean>(-1);
  expired.set('a', true);
  expect(expired.peek('a')).toBeUndefined();
});
