/**
 * Every configuration change of a tenant shows once in its own Events API, in order, as a typed
 * event of Tocsin's catalog, with the acting token as actor and the changed row as resource.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, startSystem, type System } from '../support/system.js';

let sys: System;
let receiver: Server;
let url: string;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  receiver = createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await sys?.close();
});

test('sink and token changes appear once each in the Events API, with the acting token', async () => {
  const t = await sys.tenant('enterprise');
  const [own] = (await sys.request('GET', '/v1/tokens', t.token)).body.api_tokens;
  const actor = { type: 'ServiceAccount', id: own.id };

  const sink = (await sys.request('POST', '/v1/event_sink', t.token, { name: 'audited', event_sink_args: { Webhook: { url } }, events: ['HONEYTOKEN_TRIPPED'] })).body.event_sink;
  expect((await sys.request('PUT', `/v1/event_sink/${sink.id}`, t.token, { name: 'renamed', min_severity: 'high' })).status).toBe(200);
  expect((await sys.request('PUT', `/v1/event_sink/${sink.id}`, t.token, { enabled: false })).status).toBe(200);
  expect((await sys.request('PUT', `/v1/event_sink/${sink.id}`, t.token, { enabled: true })).status).toBe(200);
  expect((await sys.request('POST', `/v1/event_sink/${sink.id}/test`, t.token)).body.test.outcome).toBe('delivered');
  const token = (await sys.request('POST', '/v1/tokens', t.token, { name: 'reader', scopes: ['events:read'] })).body.api_token;
  expect((await sys.request('DELETE', `/v1/tokens/${token.id}`, t.token)).status).toBe(200);
  expect((await sys.request('DELETE', `/v1/event_sink/${sink.id}`, t.token)).status).toBe(200);

  const expected = [
    ['EVENT_SINK_CREATED', sink.id, 'EventSink'],
    ['EVENT_SINK_UPDATED', sink.id, 'EventSink'],
    ['EVENT_SINK_DISABLED', sink.id, 'EventSink'],
    ['EVENT_SINK_ENABLED', sink.id, 'EventSink'],
    ['EVENT_SINK_TESTED', sink.id, 'EventSink'],
    ['TOCSIN_API_TOKEN_CREATED', token.id, 'ApiToken'],
    ['TOCSIN_API_TOKEN_REVOKED', token.id, 'ApiToken'],
    ['EVENT_SINK_DELETED', sink.id, 'EventSink'],
  ];
  const data = await eventually(async () => {
    const page = await sys.request('GET', '/events/v1?limit=100', t.token);
    return page.body.data.length >= expected.length ? page.body.data : undefined;
  });
  expect(data.map((e: { action: string; resource: { id: string; type: string } }) => [e.action, e.resource.id, e.resource.type])).toEqual(expected);
  for (const event of data) expect(event).toMatchObject({ tenant_id: t.tenantId, actor, category: expect.any(String) });
  expect(data[1].detail).toEqual({ changed: ['name', 'min_severity'] });
  expect(data[2].detail).toEqual({ reason: 'disabled_by_admin' });
  // The token itself never reaches the audit stream, only its id.
  expect(JSON.stringify(data)).not.toContain(token.token);
});
