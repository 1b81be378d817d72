/**
 * The queue dashboard (apps/api/src/admin/queues.ts) is for operators: a console session of an
 * operator token (apps/api/src/admin/operators.ts). No session, a tenant's admin token, or a
 * bearer header are refused.
 */
import { channelIds } from '@tocsin/channels';
import { queueName } from '@tocsin/queue';
import { createOperatorToken } from '../../apps/api/src/admin/operators.js';
import { startSystem, type System } from '../support/system.js';

let sys: System;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
});
afterAll(async () => sys?.close());

async function sessionOf(token: string): Promise<string> {
  const res = await fetch(`${sys.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(res.status).toBe(201);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

test('refuses a request without a session, and a bearer token', async () => {
  const tenant = await sys.tenant('enterprise');
  expect((await sys.request('GET', '/admin/queues', undefined)).status).toBe(401);
  // A browser's page load is sent to sign in instead.
  const page = await fetch(`${sys.url}/admin/queues`, { headers: { accept: 'text/html' }, redirect: 'manual' });
  expect([page.status, page.headers.get('location')]).toEqual([303, '/console/']);
  expect((await sys.request('GET', '/admin/queues/api/queues', tenant.token)).status).toBe(401);
});

test('refuses a tenant admin token signed in to the console', async () => {
  const tenant = await sys.tenant('enterprise');
  const cookie = await sessionOf(tenant.token);
  const page = await sys.request('GET', '/admin/queues', undefined, undefined, { cookie });
  expect(page.status).toBe(403);
  expect(page.body.error.code).toBe('operator_required');
  expect((await sys.request('GET', '/admin/queues/api/queues', undefined, undefined, { cookie })).status).toBe(403);
});

test('serves an operator: the page and every delivery queue', async () => {
  const ops = await sys.tenant('free');
  const operator = await createOperatorToken(sys.db, ops.tenantId);
  const cookie = await sessionOf(operator.token);
  const session = await sys.request('GET', '/console/session', undefined, undefined, { cookie });
  expect(session.body.session.operator).toBe(true);

  const page = await fetch(`${sys.url}/admin/queues`, { headers: { cookie } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="root"');
  const api = await sys.request('GET', '/admin/queues/api/queues', undefined, undefined, { cookie });
  expect(api.status).toBe(200);
  expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(channelIds.map(queueName).sort());

  // The operator's own tenant cannot make more operators through the public API: a new token is no operator.
  const made = await sys.request('POST', '/v1/tokens', operator.token, { name: 'another', scopes: ['admin'] });
  const other = await sessionOf(made.body.api_token.token);
  expect((await sys.request('GET', '/admin/queues', undefined, undefined, { cookie: other })).status).toBe(403);

  // A cross-site write through the dashboard is refused.
  const forged = await sys.request('PUT', `/admin/queues/api/queues/${encodeURIComponent(queueName(channelIds[0]))}/pause`, undefined, undefined, { cookie, origin: 'https://evil.example' });
  expect(forged.status).toBe(403);

  // Revoking the operator token closes the dashboard.
  expect((await sys.request('DELETE', `/v1/tokens/${operator.token_id}`, operator.token)).status).toBe(200);
  expect((await sys.request('GET', '/admin/queues', undefined, undefined, { cookie })).status).toBe(401);
});
