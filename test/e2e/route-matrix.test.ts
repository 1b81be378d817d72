/**
 * Every route of the OpenAPI table, three ways: no token → 401, a token without the route's
 * scope → 403, another tenant's id → 404 (and that tenant's row unchanged). The routes come from
 * the table, so a new route is checked here once it has a sample request below.
 */
import { connect } from 'node:net';
import { SCOPES, type Scope } from '@tocsin/api';
import { ROUTES } from '../../apps/api/src/openapi/routes.js';
import type { RouteDeclaration } from '../../apps/api/src/openapi/declare.js';
import { startSystem, type System } from '../support/system.js';

let sys: System;
let a: { tenantId: string; token: string };
let b: { tenantId: string; token: string };
/** Tenant b's rows, by the kind of id a path takes. */
const foreign: Record<'sink' | 'delivery' | 'token', string> = { sink: '', delivery: '', token: '' };

/** A request each route accepts (2xx) from a caller with the scope: the matrix varies only the caller. */
const SAMPLES: Record<string, { body?: unknown; query?: string }> = {
  ingestEvents: { body: { action: 'HONEYTOKEN_TRIPPED' } },
  readEvents: {},
  createEventSink: { body: { name: 'matrix', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } } } },
  listEventSinks: { query: 'limit=10' },
  getEventSink: {},
  updateEventSink: { body: { name: 'renamed' } },
  testEventSink: {},
  deleteEventSink: {},
  listSinkDeliveries: { query: 'state=pending' },
  getDelivery: {},
  retryDelivery: {},
  recoverSinkDeliveries: { body: { since: '2026-01-01T00:00:00Z' } },
  listApiTokens: {},
  createApiToken: { body: { name: 'matrix', scopes: ['events:read'] } },
  revokeApiToken: {},
  getRetention: {},
  putRetention: { body: { events_days: 365, attempts_days: 30 } },
  getCatalog: { query: 'push=true' },
};

const guarded = ROUTES.filter((r) => r.access !== 'public');
const withId = guarded.filter((r) => r.path.includes('{id}'));
const name = (r: RouteDeclaration) => `${r.method.toUpperCase()} ${r.path}`;
const idKind = (r: RouteDeclaration): keyof typeof foreign => (r.path.startsWith('/v1/deliveries/') ? 'delivery' : r.path.startsWith('/v1/tokens/') ? 'token' : 'sink');

function send(route: RouteDeclaration, token: string | undefined, id?: string) {
  const sample = SAMPLES[route.operationId] ?? {};
  const path = route.path.replace('{id}', id ?? '00000000-0000-4000-8000-000000000000') + (sample.query ? `?${sample.query}` : '');
  return sys.request(route.method.toUpperCase(), path, token, sample.body);
}

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  a = await sys.tenant('enterprise');
  b = await sys.tenant('enterprise');
  foreign.sink = (await sys.request('POST', '/v1/event_sink', b.token, SAMPLES.createEventSink!.body)).body.event_sink.id;
  const event = await sys.request('POST', '/v1/events', b.token, { action: 'HONEYTOKEN_TRIPPED' });
  const delivery = await sys.db.withTenant(b.tenantId, (tx) => tx.delivery.findFirstOrThrow({ where: { eventId: event.body.id } }));
  foreign.delivery = delivery.id;
  foreign.token = (await sys.request('POST', '/v1/tokens', b.token, { name: 'b', scopes: ['events:read'] })).body.api_token.id;
});
afterAll(async () => sys?.close());

test('every guarded route has a sample request', () => {
  expect(guarded.map((r) => r.operationId).filter((id) => !(id in SAMPLES))).toEqual([]);
  expect(withId.length).toBeGreaterThanOrEqual(8);
});

test.each(guarded.map((r) => [name(r), r] as const))('%s without a token → 401', async (_name, route) => {
  const res = await send(route, undefined, foreign[idKind(route)]);
  expect([res.status, res.body.error.code]).toEqual([401, 'unauthenticated']);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
});

const scoped = guarded.filter((r): r is RouteDeclaration & { access: Scope } => r.access !== 'authenticated');
test.each(scoped.map((r) => [name(r), r] as const))('%s with every scope but its own → 403', async (_name, route) => {
  // `admin` grants every scope, so it is left out too.
  const others = SCOPES.filter((s) => s !== route.access && s !== 'admin');
  const res = await send(route, await sys.token(a.tenantId, others), foreign[idKind(route)]);
  expect([res.status, res.body.error.code]).toEqual([403, 'insufficient_scope']);
});

test.each(withId.map((r) => [name(r), r] as const))("%s with another tenant's id → 404", async (_name, route) => {
  const res = await send(route, a.token, foreign[idKind(route)]);
  expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
});

test("b's rows are untouched, and its ids are real: b reaches every route with them", async () => {
  const sink = await sys.db.withTenant(b.tenantId, (tx) => tx.eventSink.findUniqueOrThrow({ where: { id: foreign.sink } }));
  expect(sink).toMatchObject({ name: 'matrix', deletedAt: null, enabled: true });
  expect(await sys.db.withTenant(b.tenantId, (tx) => tx.apiToken.findUniqueOrThrow({ where: { id: foreign.token } }))).toMatchObject({ revokedAt: null });
  expect(await sys.db.withTenant(b.tenantId, (tx) => tx.delivery.findUniqueOrThrow({ where: { id: foreign.delivery } }))).toMatchObject({ manualRetries: 0 });
  expect(await sys.db.withTenant(b.tenantId, (tx) => tx.sinkTest.count())).toBe(0);

  // Deletes last, so every other route still finds its row.
  const ordered = [...withId].sort((x, y) => Number(x.method === 'delete') - Number(y.method === 'delete'));
  for (const route of ordered) {
    const res = await send(route, b.token, foreign[idKind(route)]);
    // A pending delivery cannot be retried (409); everything else succeeds.
    const ok = route.operationId === 'retryDelivery' ? res.status === 409 : res.status >= 200 && res.status < 300;
    expect({ route: name(route), status: res.status, ok }).toEqual({ route: name(route), status: res.status, ok: true });
  }
});

test('routes without an id never show another tenant’s rows or take its tenant_id', async () => {
  const sinks = await sys.request('GET', '/v1/event_sink', a.token);
  const tokens = await sys.request('GET', '/v1/tokens', a.token);
  const events = await sys.request('GET', '/events/v1', a.token);
  expect(sinks.body.event_sinks.map((s: { tenant_id: string }) => s.tenant_id)).not.toContain(b.tenantId);
  expect(tokens.body.api_tokens.map((t: { tenant_id: string }) => t.tenant_id)).not.toContain(b.tenantId);
  expect(events.body.data.map((e: { tenant_id: string }) => e.tenant_id)).not.toContain(b.tenantId);
  for (const path of ['/v1/events', '/v1/event_sink']) {
    const body = { ...(path === '/v1/events' ? SAMPLES.ingestEvents!.body : SAMPLES.createEventSink!.body) as object, tenant_id: b.tenantId };
    const res = await sys.request('POST', path, a.token, body);
    expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'tenant_mismatch']);
  }
});

/** A request with no body at all (no Content-Length, no Transfer-Encoding), as `curl -X POST` sends. */
function bodyless(method: string, path: string, token: string): Promise<number> {
  const { port } = new URL(sys.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(Number(answer.split(' ')[1])));
    socket.on('error', reject);
  });
}

test('a POST that takes no body needs no Content-Type', async () => {
  const own = await sys.request('POST', '/v1/event_sink', a.token, SAMPLES.createEventSink!.body);
  expect(await bodyless('POST', `/v1/event_sink/${own.body.event_sink.id}/test`, a.token)).toBe(200);
  expect(await bodyless('POST', `/v1/deliveries/${foreign.delivery}/retry`, a.token)).toBe(404);
});
