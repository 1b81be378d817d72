/**
 * Console sessions (apps/api/src/auth/session.ts): signing in with a token sets an httpOnly,
 * SameSite=Strict cookie (Secure behind HTTPS) that never carries the token; the cookie
 * authenticates the public API, with a CSRF token required on anything but reads; signing out
 * and revoking the token end the session.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { startSystem, type System } from '../support/system.js';

let sys: System;
let tenant: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  tenant = await sys.tenant('team');
});
afterAll(async () => sys?.close());

async function signIn(token: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${sys.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) });
  const body = (await res.json()) as { session?: Record<string, unknown> };
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body, setCookie, cookie: setCookie.split(';')[0]!, csrf: body.session?.csrf_token as string };
}

const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, ...extra });

test('signing in sets an httpOnly, SameSite=Strict session cookie that does not hold the token', async () => {
  const s = await signIn(tenant.token);
  expect(s.status).toBe(201);
  expect(s.setCookie).toMatch(/^tocsin_session=tcs_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  expect(s.setCookie).not.toContain(tenant.token);
  expect(s.setCookie).not.toContain('Secure'); // plain HTTP here
  expect(s.body.session).toMatchObject({ tenant_id: tenant.tenantId, scopes: ['admin'], operator: false });

  // Behind a TLS-terminating proxy the cookie is Secure.
  const https = await signIn(tenant.token, { 'x-forwarded-proto': 'https' });
  expect(https.setCookie).toMatch(/; Secure$/);
});

test('a bad token is refused and sets no cookie', async () => {
  const s = await signIn('tct_not-a-real-token');
  expect(s.status).toBe(401);
  expect(s.setCookie).toBe('');
  expect((await signIn('')).status).toBe(400);
});

test('the cookie authenticates reads; writes need the CSRF token', async () => {
  const s = await signIn(tenant.token);
  const list = await sys.request('GET', '/v1/event_sink', undefined, undefined, withCookie(s.cookie));
  expect(list.status).toBe(200);
  expect(list.body.event_sinks).toEqual([]);

  const body = { name: 'via console', scopes: ['events:read'] };
  // What a cross-site form or fetch could send: the cookie (were SameSite ignored), no CSRF header.
  const forged = await sys.request('POST', '/v1/tokens', undefined, body, withCookie(s.cookie, { origin: 'https://evil.example' }));
  expect(forged.status).toBe(403);
  expect(forged.body.error.code).toBe('csrf_failed');
  const wrong = await sys.request('POST', '/v1/tokens', undefined, body, withCookie(s.cookie, { 'x-csrf-token': 'x'.repeat(43) }));
  expect(wrong.status).toBe(403);
  const ok = await sys.request('POST', '/v1/tokens', undefined, body, withCookie(s.cookie, { 'x-csrf-token': s.csrf }));
  expect(ok.status).toBe(201);
});

test('a cross-site sign-in is refused (login CSRF)', async () => {
  expect((await signIn(tenant.token, { origin: 'https://evil.example' })).status).toBe(403);
  expect((await signIn(tenant.token, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
});

test('signing out revokes the session, and so does revoking its token', async () => {
  const s = await signIn(tenant.token);
  expect((await sys.request('GET', '/console/session', undefined, undefined, withCookie(s.cookie))).status).toBe(200);
  expect((await sys.request('DELETE', '/console/session', undefined, undefined, withCookie(s.cookie))).status).toBe(403); // no CSRF token
  const out = await fetch(`${sys.url}/console/session`, { method: 'DELETE', headers: withCookie(s.cookie, { 'x-csrf-token': s.csrf }) });
  expect(out.status).toBe(204);
  expect(out.headers.get('set-cookie')).toMatch(/^tocsin_session=; .*Max-Age=0/);
  // The old cookie, replayed, is dead.
  expect((await sys.request('GET', '/v1/event_sink', undefined, undefined, withCookie(s.cookie))).status).toBe(401);
  expect((await sys.request('GET', '/console/session', undefined, undefined, withCookie(s.cookie))).status).toBe(401);

  const made = await sys.request('POST', '/v1/tokens', tenant.token, { name: 'short-lived', scopes: ['sinks:admin'] });
  const t = await signIn(made.body.api_token.token);
  expect((await sys.request('GET', '/v1/event_sink', undefined, undefined, withCookie(t.cookie))).status).toBe(200);
  expect((await sys.request('DELETE', `/v1/tokens/${made.body.api_token.id}`, tenant.token)).status).toBe(200);
  expect((await sys.request('GET', '/v1/event_sink', undefined, undefined, withCookie(t.cookie))).status).toBe(401);
});

test('a session keeps its token’s scopes', async () => {
  const made = await sys.request('POST', '/v1/tokens', tenant.token, { name: 'reader', scopes: ['events:read'] });
  const s = await signIn(made.body.api_token.token);
  const res = await sys.request('POST', '/v1/tokens', undefined, { name: 'x', scopes: ['admin'] }, withCookie(s.cookie, { 'x-csrf-token': s.csrf }));
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('insufficient_scope');
});

test('neither the token nor the session secret reaches a log line', async () => {
  const s = await signIn(tenant.token);
  await sys.request('GET', '/v1/event_sink', undefined, undefined, withCookie(s.cookie));
  await sys.request('POST', '/v1/tokens', undefined, { name: 'x', scopes: ['admin'] }, withCookie(s.cookie));
  const secret = s.cookie.split('=')[1]!;
  const logs = sys.logs.join('');
  expect(logs).not.toContain(secret);
  expect(logs).not.toContain(tenant.token);
  expect(logs).not.toContain(s.csrf);
});

test('an expired session is refused', async () => {
  const made = await sys.request('POST', '/v1/tokens', tenant.token, { name: 'expiring', scopes: ['sinks:admin'] });
  const secret = `tcs_${randomBytes(32).toString('base64url')}`;
  const hash = createHash('sha256').update(secret).digest();
  await sys.db.withTenant(tenant.tenantId, (tx) =>
    tx.$executeRaw`INSERT INTO console_session (id, tenant_id, token_id, secret_hash, expires_at)
      VALUES (${randomUUID()}::uuid, ${tenant.tenantId}::uuid, ${made.body.api_token.id}::uuid, ${hash}, now() - interval '1 second')`,
  );
  expect((await sys.request('GET', '/v1/event_sink', undefined, undefined, withCookie(`tocsin_session=${secret}`))).status).toBe(401);
  expect((await sys.request('GET', '/console/session', undefined, undefined, withCookie(`tocsin_session=${secret}`))).status).toBe(401);
});
