/**
 * Revocation across api processes: two apis on one database and one Redis, a token revoked on
 * one is refused by the other within 2 s (its cache lifetime is longer: the drop comes through
 * Redis pub/sub). An api cut off from Redis falls back on the cache lifetime.
 */
import { Writable } from 'node:stream';
import { startApi, type RunningApi } from '@tocsin/api';
import { createLogger } from '@tocsin/config';
import { AUTH_CACHE_MS } from '../../apps/api/src/auth/auth-cache.js';
import { eventually, startSystem, type System } from '../support/system.js';

let sys: System;
let second: RunningApi;
let isolated: RunningApi;
let tenant: { tenantId: string; token: string };

const quiet = () => createLogger('silent', {}, new Writable({ write: (_c, _e, done) => done() }));

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  second = await startApi(sys.config, sys.box, quiet());
  // Same database, no Redis: no pub/sub, so only the cache lifetime bounds what it believes.
  isolated = await startApi({ ...sys.config, REDIS_URL: 'redis://127.0.0.1:1' }, sys.box, quiet());
  tenant = await sys.tenant('enterprise');
});
afterAll(async () => {
  await Promise.all([second?.close(), isolated?.close()]);
  await sys?.close();
});

async function post(api: RunningApi, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${api.port}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'custom.revocation' }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function newToken(): Promise<{ id: string; token: string }> {
  const res = await sys.request('POST', '/v1/tokens', tenant.token, { name: 'producer', scopes: ['events:write'] });
  expect(res.status).toBe(201);
  return res.body.api_token;
}

test('a token revoked on one api process is refused by another within 2 s', async () => {
  expect(AUTH_CACHE_MS).toBeGreaterThan(2_000); // so passing says pub/sub did it, not expiry
  const made = await newToken();
  expect(await post(second, made.token)).toBe(202); // the second process now holds it in its cache

  expect((await sys.request('DELETE', `/v1/tokens/${made.id}`, tenant.token)).status).toBe(200);
  await eventually(async () => ((await post(second, made.token)) === 401 ? true : undefined), 2_000, 'the second api to refuse the revoked token');
});

test('without Redis an api process refuses a revoked token once its cache lifetime is over', async () => {
  const made = await newToken();
  expect(await post(isolated, made.token)).toBe(202);
  expect((await sys.request('DELETE', `/v1/tokens/${made.id}`, tenant.token)).status).toBe(200);
  await eventually(async () => ((await post(isolated, made.token)) === 401 ? true : undefined), AUTH_CACHE_MS + 2_000, 'the isolated api to refuse the revoked token');
});
