import { AuthCache } from './auth-cache.js';
import { AuthChanges } from './auth-changes.js';

interface Entry {
  tenantId: string;
  tokenId: string;
}

const byTokenOrTenant = (change: Parameters<ConstructorParameters<typeof AuthCache<Entry>>[1]>[0], _key: string, v: Entry) =>
  ('tokenId' in change && change.tokenId === v.tokenId) || ('tenantId' in change && change.tenantId === v.tenantId);

function counting(value: Entry) {
  const load = async () => {
    load.calls += 1;
    return value;
  };
  load.calls = 0;
  return load;
}

test('a change drops exactly the entries it affects', async () => {
  const changes = new AuthChanges();
  const cache = new AuthCache<Entry>(changes, byTokenOrTenant, 60_000);
  const a1 = counting({ tenantId: 'A', tokenId: 'a1' });
  const a2 = counting({ tenantId: 'A', tokenId: 'a2' });
  const b1 = counting({ tenantId: 'B', tokenId: 'b1' });
  const all = async () => Promise.all([cache.get('a1', a1), cache.get('a2', a2), cache.get('b1', b1)]);
  await all();
  await all();
  expect([a1.calls, a2.calls, b1.calls]).toEqual([1, 1, 1]);

  await changes.publish({ tokenId: 'a1' });
  await all();
  expect([a1.calls, a2.calls, b1.calls]).toEqual([2, 1, 1]);

  await changes.publish({ tenantId: 'A' });
  await all();
  expect([a1.calls, a2.calls, b1.calls]).toEqual([3, 2, 1]);
});

test('a lookup that was running when a change arrived is answered but not kept', async () => {
  const changes = new AuthChanges();
  const cache = new AuthCache<Entry>(changes, byTokenOrTenant, 60_000);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const slow = async () => {
    calls += 1;
    if (calls === 1) await gate; // read the row before the revocation committed
    return { tenantId: 'A', tokenId: 'a1' };
  };
  const first = cache.get('a1', slow);
  await changes.publish({ tokenId: 'a1' });
  release();
  expect(await first).toEqual({ tenantId: 'A', tokenId: 'a1' });
  await cache.get('a1', slow);
  expect(calls).toBe(2);
});

test('entries expire after the TTL, the bound while Redis is down', async () => {
  const cache = new AuthCache<Entry>(undefined, byTokenOrTenant, -1);
  const load = counting({ tenantId: 'A', tokenId: 'a1' });
  await cache.get('a1', load);
  await cache.get('a1', load);
  expect(load.calls).toBe(2);
});
