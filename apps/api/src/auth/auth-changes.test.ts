import { randomUUID } from 'node:crypto';
import { testName } from '@tocsin/db/testing';
import { TestStores } from '../../../../test/support/stores.js';
import { AuthChanges, authChangedChannel, type AuthChange } from './auth-changes.js';

const stores = new TestStores();
afterAll(() => stores.close());

test('a change published in one process reaches the others; foreign or malformed messages are ignored', async () => {
  const prefix = testName('ac');
  const channel = authChangedChannel(prefix);
  const [theirs, ours] = [await stores.open(prefix), await stores.open(prefix)];
  const heard: AuthChange[] = [];
  const other = new AuthChanges({ prefix, bus: theirs.bus, listen: true });
  const connected = new Promise<void>((resolve) => other.onChange((c) => ('all' in c ? resolve() : undefined)));
  const bothHeard = new Promise<void>((resolve) =>
    other.onChange((c) => {
      if ('all' in c) return; // the connect itself: drop everything
      heard.push(c);
      if (heard.length === 2) resolve();
    }),
  );
  await connected; // subscribed

  const tokenId = randomUUID();
  const tenantId = randomUUID();
  await ours.bus.publish(channel, 'not json');
  await ours.bus.publish(channel, JSON.stringify({ token_id: 'not-a-uuid' }));
  await ours.bus.publish(channel, JSON.stringify({ tenant_id: tenantId, extra: true }));
  const here: AuthChange[] = [];
  const mine = new AuthChanges({ prefix, bus: ours.bus, listen: false });
  mine.onChange((c) => here.push(c));
  await mine.publish({ tokenId });
  await mine.publish({ tenantId });
  expect(here).toEqual([{ tokenId }, { tenantId }]); // handled in this process at once

  await bothHeard;
  expect(heard).toEqual([{ tokenId }, { tenantId }]);
});
