import { randomBytes, randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import type { Database } from '@tocsin/db';
import { ConfigError, createLogger } from '@tocsin/config';
import { createJwtVerifier, jwtSettingsFrom } from '../../apps/api/src/auth/jwt.js';
import { ApiError } from '../../apps/api/src/errors.js';
import { signJwt, startIdp, unsignedJwt, type TestIdp } from '../support/jwt.js';
import { startSystem, type System } from '../support/system.js';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'tocsin-events';
const HS_SECRET = randomBytes(32).toString('base64url');

let idp: TestIdp;
let rs: System; // user JWTs: RS256 from the JWKS only
let hs: System; // user JWTs: HS256 with a shared secret only

beforeAll(async () => {
  idp = await startIdp();
  [rs, hs] = await Promise.all([
    startSystem({ worker: false, config: { TOCSIN_JWT_JWKS_URL: idp.jwksUrl, TOCSIN_JWT_ISSUER: ISSUER, TOCSIN_JWT_AUDIENCE: AUDIENCE } }),
    startSystem({ worker: false, config: { TOCSIN_JWT_SECRET: HS_SECRET, TOCSIN_JWT_ISSUER: ISSUER, TOCSIN_JWT_AUDIENCE: AUDIENCE } }),
  ]);
});
afterAll(async () => {
  await Promise.all([rs?.close(), hs?.close()]);
  await idp?.close();
});

const rsToken = (claims: Record<string, unknown>, overrides: Partial<Parameters<typeof signJwt>[1]> = {}) =>
  signJwt(claims, { alg: 'RS256', key: idp.privateKey, kid: idp.kid, issuer: ISSUER, audience: AUDIENCE, expiresIn: 300, ...overrides });
const hsToken = (claims: Record<string, unknown>, overrides: Partial<Parameters<typeof signJwt>[1]> = {}) =>
  signJwt(claims, { alg: 'HS256', key: new TextEncoder().encode(HS_SECRET), issuer: ISSUER, audience: AUDIENCE, expiresIn: 300, ...overrides });

async function seeded(sys: System, plan: 'team' | 'enterprise' = 'enterprise'): Promise<{ tenantId: string; ids: string[] }> {
  const t = await sys.tenant(plan);
  const events = [{ id: randomUUID(), action: 'custom.jwt' }, { id: randomUUID(), action: 'JIT_APPROVED' }];
  expect((await sys.request('POST', '/v1/events', t.token, { events })).status).toBe(202);
  return { tenantId: t.tenantId, ids: events.map((e) => e.id) };
}

describe('RS256 through a JWKS', () => {
  let tenantId: string;
  let ids: string[];
  beforeAll(async () => {
    ({ tenantId, ids } = await seeded(rs));
  });

  test('a valid user JWT reads its tenant’s stream', async () => {
    const res = await rs.request('GET', '/events/v1?from=2020-01-01', await rsToken({ sub: 'user-1', tenant_id: tenantId }));
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(idp.fetches).toBeGreaterThan(0); // the key really came from the JWKS
  });

  test.each<[string, () => Promise<string>]>([
    ['alg none', async () => unsignedJwt({ tenant_id: tenantId, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })],
    ['another key with the same kid', async () => rsToken({ tenant_id: tenantId }, { key: (await generateKeyPair('RS256')).privateKey })],
    ['another key with an unknown kid', async () => rsToken({ tenant_id: tenantId }, { key: (await generateKeyPair('RS256')).privateKey, kid: 'other' })],
    ['the wrong audience', () => rsToken({ tenant_id: tenantId }, { audience: 'someone-else' })],
    ['the wrong issuer', () => rsToken({ tenant_id: tenantId }, { issuer: 'https://evil.example/' })],
    ['an expired token', () => rsToken({ tenant_id: tenantId }, { expiresIn: -60 })],
    ['no exp claim', () => rsToken({ tenant_id: tenantId }, { expiresIn: undefined })],
    ['no tenant claim', () => rsToken({ sub: 'user-1' })],
    ['a tenant claim that is not a UUID', () => rsToken({ tenant_id: "x'; DROP TABLE tenant; --" })],
    ['a tenant that does not exist', () => rsToken({ tenant_id: randomUUID() })],
    ['an HS256 token when only RS256/JWKS is configured', () => hsToken({ tenant_id: tenantId })],
    ['HS256 keyed with the JWKS public key (algorithm confusion)', () => hsToken({ tenant_id: tenantId }, { key: new TextEncoder().encode(idp.publicKeyPem) })],
    ['a payload changed after signing', async () => {
      const [h, , s] = (await rsToken({ tenant_id: tenantId })).split('.');
      const other = (await rs.tenant('enterprise')).tenantId;
      const body = Buffer.from(JSON.stringify({ tenant_id: other, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
      return `${h}.${body}.${s}`;
    }],
    ['not a JWT at all', async () => 'eyJhbGciOi.garbage'],
  ])('%s → 401', async (_name, make) => {
    const res = await rs.request('GET', '/events/v1', await make());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  test('a team tenant’s user → 403 plan_required', async () => {
    const team = await seeded(rs, 'team');
    const res = await rs.request('GET', '/events/v1', await rsToken({ tenant_id: team.tenantId }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('plan_required');
  });

  test('a user JWT grants events:read only', async () => {
    const res = await rs.request('POST', '/v1/events', await rsToken({ tenant_id: tenantId }), { action: 'custom.jwt' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_scope');
  });
});

describe('HS256 with a shared secret', () => {
  let tenantId: string;
  let ids: string[];
  beforeAll(async () => {
    ({ tenantId, ids } = await seeded(hs));
  });

  test('a valid HS256 token reads its tenant’s stream', async () => {
    const res = await hs.request('GET', '/events/v1?from=2020-01-01', await hsToken({ tenant_id: tenantId }));
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { id: string }) => r.id)).toEqual(ids);
  });

  test.each<[string, () => Promise<string>]>([
    ['the wrong secret', () => hsToken({ tenant_id: tenantId }, { key: randomBytes(32) })],
    ['an RS256 token when no JWKS is configured', () => rsToken({ tenant_id: tenantId })],
    ['HS384 with the right secret (not allow-listed)', async () => {
      const { SignJWT } = await import('jose');
      return new SignJWT({ tenant_id: tenantId }).setProtectedHeader({ alg: 'HS384' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(HS_SECRET));
    }],
    ['alg none', async () => unsignedJwt({ tenant_id: tenantId, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })],
  ])('%s → 401', async (_name, make) => {
    const res = await hs.request('GET', '/events/v1', await make());
    expect(res.status).toBe(401);
  });
});

describe('configuration', () => {
  test('a JWT key without an issuer or audience stops start-up, naming the variables', () => {
    let error: unknown;
    try {
      jwtSettingsFrom({ ...rs.config, TOCSIN_JWT_ISSUER: undefined, TOCSIN_JWT_AUDIENCE: undefined });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['TOCSIN_JWT_ISSUER', 'TOCSIN_JWT_AUDIENCE']);
  });

  test('no JWT settings: no verifier', () => {
    expect(jwtSettingsFrom({ ...rs.config, TOCSIN_JWT_JWKS_URL: undefined, TOCSIN_JWT_SECRET: undefined })).toBeUndefined();
  });

  test('an unreachable JWKS is a 503, not a 401', async () => {
    const verify = createJwtVerifier(
      { jwksUrl: 'http://127.0.0.1:1/jwks.json', issuer: ISSUER, audience: AUDIENCE, tenantClaim: 'tenant_id' },
      {} as Database,
      createLogger('silent'),
    );
    const error = await verify(await rsToken({ tenant_id: randomUUID() })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
  });
});
