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
