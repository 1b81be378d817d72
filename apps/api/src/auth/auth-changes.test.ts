import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { loadConfig } from '@tocsin/config';
import { testName } from '@tocsin/db/testing';
import { AuthChanges, authChangedChannel, type AuthChange } from './auth-changes.js';

const url = loadConfig().REDIS_URL;
const prefix = testName('ac');
const channel = authChangedChannel(prefix);
const connections: Redis[] = [];
const redis = () => {
  const r = new Redis(url);
  connections.push(r);
  return r;
};
afterAll(() => connections.forEach((c) => c.disconnect()));

test('a change published in one process reaches the others; foreign or malformed messages are ignored', async () => {
  const sub = redis();
  const heard: AuthChange[] = [];
  const other = new AuthChanges({ prefix, sub });
  const bothHeard = new Promise<void>((resolve) =>
    other.onChange((c) => {
      if ('all' in c) return; // the connect itself: drop everything
      heard.push(c);
      if (heard.length === 2) resolve();
    }),
  );
  await once(sub, 'ready');
  await sub.subscribe(channel); // the constructor's subscription is in by the time this answers

  const pub = redis();
  const tokenId = randomUUID();
  const tenantId = randomUUID();
  await pub.publish(channel, 'not json');
  await pub.publish(channel, JSON.stringify({ token_id: 'not-a-uuid' }));
  await pub.publish(channel, JSON.stringify({ tenant_id: tenantId, extra: true }));
  const here: AuthChange[] = [];
  const mine = new AuthChanges({ prefix, pub });
  mine.onChange((c) => here.push(c));
  await mine.publish({ tokenId });
  await mine.publish({ tenantId });
  expect(here).toEqual([{ tokenId }, { tenantId }]); // handled in this process at once

  await bothHeard;
  expect(heard).toEqual([{ tokenId }, { tenantId }]);
});
