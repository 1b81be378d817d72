import { Counter, Registry } from 'prom-client';
import { createLogger } from '@tocsin/config';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

const TOKEN = 'mt_0123456789abcdef0123';
const registry = new Registry();
new Counter({ name: 'tocsin_test_total', help: 'A test counter.', registers: [registry] }).inc(3);
let open: MetricsServer;
let tokened: MetricsServer;

beforeAll(async () => {
  const logger = createLogger('silent');
  open = await startMetricsServer(registry, { port: 0, host: '127.0.0.1', logger });
  tokened = await startMetricsServer(registry, { port: 0, host: '127.0.0.1', token: TOKEN, logger });
});
afterAll(async () => {
  await open?.close();
  await tokened?.close();
});

const get = (server: MetricsServer, path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${server.port}${path}`, init);

test('without a token: loopback gets the registry, a proxied request is refused', async () => {
  const res = await get(open, '/metrics');
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('tocsin_test_total 3');
  expect((await get(open, '/metrics', { headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(403);
  expect((await get(open, '/healthz')).status).toBe(200);
  // Every refusal has the api's error shape.
  const refusals = [await get(open, '/metrics', { headers: { forwarded: 'for=203.0.113.9' } }), await get(open, '/other'), await get(open, '/metrics', { method: 'POST' })];
  expect(await Promise.all(refusals.map(async (r) => [r.status, ((await r.json()) as { error: { code: string } }).error.code]))).toEqual([
    [403, 'forbidden'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
  ]);
});

test('with a token: the bearer is needed, from loopback too', async () => {
  expect((await get(tokened, '/metrics')).status).toBe(401);
  expect((await get(tokened, '/metrics', { headers: { authorization: 'Bearer wrong-token-0000000' } })).status).toBe(401);
  const res = await get(tokened, '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('tocsin_test_total 3');
});
