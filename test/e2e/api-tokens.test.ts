/**
 * API tokens through the real api and PostgreSQL: create (shown once), list, revoke, the admin
 * scope on every route, last_used_at, the audit events, and user JWTs with the scopes their
 * claims grant.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseDump, redisDump } from '../support/leaks.js';
import { signJwt } from '../support/jwt.js';
import { apiTokenEnvelope, apiTokenList, apiTokenRevoked } from '../../apps/api/src/tokens/schema.js';
import { eventually, startSystem, type System } from '../support/system.js';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'tocsin';
const JWT_SECRET = randomBytes(32).toString('base64url');

let sys: System;
let a: { tenantId: string; token: string };
let b: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false, config: { TOCSIN_JWT_SECRET: JWT_SECRET, TOCSIN_JWT_ISSUER: ISSUER, TOCSIN_JWT_AUDIENCE: AUDIENCE } });
  [a, b] = await Promise.all([sys.tenant('enterprise'), sys.tenant('enterprise')]);
});
afterAll(async () => sys?.close());

const userJwt = (tenantId: string, claims: Record<string, unknown> = {}) =>
  signJwt({ sub: 'alice@example.test', tenant_id: tenantId, ...claims }, { alg: 'HS256', key: new TextEncoder().encode(JWT_SECRET), issuer: ISSUER, audience: AUDIENCE, expiresIn: 300 });

async function create(token: string, body: unknown) {
  return sys.request('POST', '/v1/tokens', token, body);
}

type Served = { action: string; resource: { id: string }; actor: unknown; detail: unknown };

/**
 * The tenant's configuration events about one token, as the Events API serves them, once
 * `count` are there: the API serves rows only behind the oldest open transaction.
 */
async function auditOf(tenantToken: string, tokenId: string, count: number): Promise<Served[]> {
  return eventually(async () => {
    const res = await sys.request('GET', '/events/v1?from=2020-01-01&limit=1000', tenantToken);
    expect(res.status).toBe(200);
    const about = (res.body.data as Served[]).filter((e) => e.resource?.id === tokenId);
    return about.length >= count ? about : undefined;
  }, 5_000, `${count} audit events about token ${tokenId}`);
}

test('create shows the token once; the list shows its prefix and scopes, never the token', async () => {
  const res = await create(a.token, { name: 'ci deploys', scopes: ['events:write'] });
  expect(res.status).toBe(201);
  const made = res.body.api_token;
  expect(made).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    tenant_id: a.tenantId,
    name: 'ci deploys',
    prefix: expect.stringMatching(/^tct_.{8}$/),
    scopes: ['events:write'],
    created_at: expect.any(String),
    last_used_at: null,
    token: expect.stringMatching(/^tct_[A-Za-z0-9_-]{43}$/),
  });
  expect(made.token.startsWith(made.prefix)).toBe(true);
  expect(apiTokenEnvelope.safeParse(res.body).success).toBe(true); // the schemas the OpenAPI document declares

  const list = await sys.request('GET', '/v1/tokens', a.token);
  expect(list.status).toBe(200);
  expect(apiTokenList.safeParse(list.body).success).toBe(true);
  const { token, ...listed } = made;
  expect(list.body.api_tokens).toContainEqual(listed);
  expect(JSON.stringify(list.body)).not.toContain(token);

  // The new token works, with exactly its scopes.
  expect((await sys.request('POST', '/v1/events', token, { action: 'custom.deploy' })).status).toBe(202);
  expect((await sys.request('GET', '/v1/event_sink', token)).body.error.code).toBe('insufficient_scope');

  // Only its hash is kept: the token is in no table, no Redis key and no log line.
  for (const [table, rows] of await databaseDump(sys.config.DATABASE_URL)) expect([table, rows.includes(token)]).toEqual([table, false]);
  for (const [key, value] of await redisDump(sys.config.REDIS_URL, sys.config.TOCSIN_QUEUE_PREFIX)) expect([key, value.includes(token)]).toEqual([key, false]);
  expect(sys.logs.join('').includes(token)).toBe(false);
});

test('every token route needs the admin scope; without a token it is 401', async () => {
  const sinksAdmin = await sys.token(a.tenantId, ['sinks:admin', 'events:read', 'events:write']);
  const someId = randomUUID();
  for (const [method, path, body] of [['GET', '/v1/tokens'], ['POST', '/v1/tokens', { name: 'x', scopes: ['events:read'] }], ['DELETE', `/v1/tokens/${someId}`]] as const) {
    const forbidden = await sys.request(method, path, sinksAdmin, body);
    expect([method, forbidden.status, forbidden.body.error.code]).toEqual([method, 403, 'insufficient_scope']);
    const anonymous = await sys.request(method, path, undefined, body);
    expect([method, anonymous.status, anonymous.body.error.code]).toEqual([method, 401, 'unauthenticated']);
  }
});

test.each<[string, unknown, string]>([
  ['an unknown scope', { name: 'x', scopes: ['events:read', 'root'] }, 'scopes.1'],
  ['no scopes', { name: 'x', scopes: [] }, 'scopes'],
  ['no name', { scopes: ['admin'] }, 'name'],
  ['a blank name', { name: '   ', scopes: ['admin'] }, 'name'],
  ['a scopes string instead of a list', { name: 'x', scopes: 'admin' }, 'scopes'],
])('create with %s is a 400 naming the field', async (_name, body, path) => {
  const res = await create(a.token, body);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
});

test('an unknown field is a 400 naming it', async () => {
  const res = await create(a.token, { name: 'x', scopes: ['admin'], token: 'tct_chosen-by-me' });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body.error.details)).toContain('token');
});

test('list takes no query parameters and revoke needs a UUID', async () => {
  const list = await sys.request('GET', '/v1/tokens?include_revoked=true', a.token);
  expect([list.status, JSON.stringify(list.body.error.details)]).toEqual([400, expect.stringContaining('include_revoked')]);
  const revoke = await sys.request('DELETE', '/v1/tokens/not-a-uuid', a.token);
  expect([revoke.status, revoke.body.error.details[0].path]).toEqual([400, 'id']);
});

test('revoke: {id, tenant_id}, refused at once, gone from the list, a second revoke is 404', async () => {
  const made = (await create(a.token, { name: 'short-lived', scopes: ['events:write'] })).body.api_token;
  expect((await sys.request('POST', '/v1/events', made.token, { action: 'custom.before' })).status).toBe(202); // now cached

  const res = await sys.request('DELETE', `/v1/tokens/${made.id}`, a.token);
  expect(res).toMatchObject({ status: 200, body: { id: made.id, tenant_id: a.tenantId } });
  expect(apiTokenRevoked.safeParse(res.body).success).toBe(true);
  const refused = await sys.request('POST', '/v1/events', made.token, { action: 'custom.after' });
  expect([refused.status, refused.body.error.code]).toEqual([401, 'unauthenticated']);
  expect((await sys.request('GET', '/v1/tokens', a.token)).body.api_tokens.map((t: { id: string }) => t.id)).not.toContain(made.id);
  expect((await sys.request('DELETE', `/v1/tokens/${made.id}`, a.token)).status).toBe(404);
});

test('revoking the token you call with is allowed; its next request is refused', async () => {
  const own = (await create(a.token, { name: 'self-destruct', scopes: ['admin'] })).body.api_token;
  const res = await sys.request('DELETE', `/v1/tokens/${own.id}`, own.token);
  expect(res).toMatchObject({ status: 200, body: { id: own.id, tenant_id: a.tenantId } });
  expect((await sys.request('GET', '/v1/tokens', own.token)).status).toBe(401);
  // The revocation is recorded with the revoked token as its actor.
  const [, revoked] = await auditOf(a.token, own.id, 2);
  expect(revoked?.actor).toMatchObject({ type: 'ServiceAccount', id: own.id });
});

test("another tenant's token is invisible: revoke by id is 404 and the token keeps working", async () => {
  const theirs = (await create(b.token, { name: 'b-only', scopes: ['events:write'] })).body.api_token;
  expect((await sys.request('DELETE', `/v1/tokens/${theirs.id}`, a.token)).status).toBe(404);
  expect((await sys.request('GET', '/v1/tokens', a.token)).body.api_tokens.map((t: { id: string }) => t.id)).not.toContain(theirs.id);
  expect((await sys.request('POST', '/v1/events', theirs.token, { action: 'custom.b' })).status).toBe(202);
});

test('create and revoke appear once each in the Events API, with the acting token and never the token', async () => {
  const adminId = (await sys.request('GET', '/v1/tokens', a.token)).body.api_tokens.find((t: { name: string }) => t.name === 'initial admin token').id;
  const made = (await create(a.token, { name: 'audited', scopes: ['events:read', 'events:write'] })).body.api_token;
  await sys.request('DELETE', `/v1/tokens/${made.id}`, a.token);
  const events = await auditOf(a.token, made.id, 2);
  expect(events).toEqual([
    expect.objectContaining({
      action: 'TOCSIN_API_TOKEN_CREATED',
      actor: expect.objectContaining({ type: 'ServiceAccount', id: adminId }),
      resource: expect.objectContaining({ id: made.id, type: 'ApiToken', name: 'audited' }),
      detail: { prefix: made.prefix, scopes: ['events:write', 'events:read'] },
    }),
    expect.objectContaining({ action: 'TOCSIN_API_TOKEN_REVOKED', actor: expect.objectContaining({ type: 'ServiceAccount', id: adminId }) }),
  ]);
  expect(JSON.stringify(events)).not.toContain(made.token);
});

test('last_used_at: set on first use, then written at most once a minute', async () => {
  const made = (await create(a.token, { name: 'producer', scopes: ['events:write'] })).body.api_token;
  const lastUsed = async () => (await sys.request('GET', '/v1/tokens', a.token)).body.api_tokens.find((t: { id: string }) => t.id === made.id).last_used_at as string | null;
  expect(await lastUsed()).toBeNull();
  await sys.request('POST', '/v1/events', made.token, { action: 'custom.first' });
  const first = await eventually(async () => (await lastUsed()) ?? undefined, 5_000, 'last_used_at');
  for (let i = 0; i < 5; i += 1) expect((await sys.request('POST', '/v1/events', made.token, { action: 'custom.again' })).status).toBe(202);
  const rows = await sys.db.withTenant(a.tenantId, (tx) => tx.apiToken.findUniqueOrThrow({ where: { id: made.id }, select: { lastUsedAt: true } }));
  expect(rows.lastUsedAt?.toISOString()).toBe(first);
  expect(await lastUsed()).toBe(first);
});

describe('user JWTs', () => {
  test('no scope claim: events:read only', async () => {
    const jwt = await userJwt(a.tenantId);
    expect((await sys.request('GET', '/events/v1?from=2020-01-01', jwt)).status).toBe(200);
    expect((await sys.request('GET', '/v1/event_sink', jwt)).body.error.code).toBe('insufficient_scope');
    expect((await sys.request('GET', '/v1/tokens', jwt)).body.error.code).toBe('insufficient_scope');
  });

  test('a scope claim grants what it names, and scopes Tocsin does not know grant nothing', async () => {
    const jwt = await userJwt(a.tenantId, { scope: 'openid sinks:admin root' });
    expect((await sys.request('GET', '/v1/event_sink', jwt)).status).toBe(200);
    expect((await sys.request('GET', '/v1/tokens', jwt)).body.error.code).toBe('insufficient_scope');
    expect((await sys.request('GET', '/events/v1', jwt)).body.error.code).toBe('insufficient_scope');
  });

  test('an scp admin claim creates a token, audited with the user as actor', async () => {
    const jwt = await userJwt(a.tenantId, { scp: ['admin'] });
    const res = await create(jwt, { name: 'made by alice', scopes: ['events:read'] });
    expect(res.status).toBe(201);
    const [created] = await auditOf(a.token, res.body.api_token.id, 1);
    expect(created).toMatchObject({ action: 'TOCSIN_API_TOKEN_CREATED', actor: { type: 'User', id: 'alice@example.test' } });
  });

  test("a JWT for tenant B cannot see or revoke tenant A's tokens", async () => {
    const listed = (await sys.request('GET', '/v1/tokens', a.token)).body.api_tokens[0];
    const jwt = await userJwt(b.tenantId, { scope: 'admin' });
    expect((await sys.request('DELETE', `/v1/tokens/${listed.id}`, jwt)).status).toBe(404);
    expect((await sys.request('GET', '/v1/tokens', jwt)).body.api_tokens.map((t: { tenant_id: string }) => t.tenant_id)).not.toContain(a.tenantId);
  });
});
