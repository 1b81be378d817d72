import type { Request } from 'express';
import { csrfSatisfied, csrfTokenOf, readCookie, sameOrigin, sessionCookie } from './session.js';

/** Just enough of an Express request for the helpers. */
function req(method: string, headers: Record<string, string>): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, headers: lower, get: (name: string) => lower[name.toLowerCase()] } as unknown as Request;
}

const secret = `tcs_${'a'.repeat(43)}`;

test('reads one cookie among several', () => {
  expect(readCookie(req('GET', { cookie: `a=1; tocsin_session=${secret}; b=2` }), 'tocsin_session')).toBe(secret);
  expect(readCookie(req('GET', { cookie: 'tocsin_sessionx=1' }), 'tocsin_session')).toBeUndefined();
  expect(readCookie(req('GET', {}), 'tocsin_session')).toBeUndefined();
});

test('reads need no CSRF token; writes need the one derived from the secret', () => {
  expect(csrfSatisfied(req('GET', {}), secret)).toBe(true);
  expect(csrfSatisfied(req('POST', {}), secret)).toBe(false);
  expect(csrfSatisfied(req('DELETE', { 'x-csrf-token': csrfTokenOf(`tcs_${'b'.repeat(43)}`) }), secret)).toBe(false);
  expect(csrfSatisfied(req('PUT', { 'x-csrf-token': csrfTokenOf(secret) }), secret)).toBe(true);
  expect(csrfTokenOf(secret)).not.toContain(secret);
});

test('a browser’s cross-site request is told apart from a same-origin one', () => {
  expect(sameOrigin(req('POST', { host: 'tocsin.example', origin: 'https://tocsin.example' }))).toBe(true);
  expect(sameOrigin(req('POST', { host: 'tocsin.example', origin: 'https://evil.example' }))).toBe(false);
  expect(sameOrigin(req('POST', { host: 'tocsin.example', origin: 'null' }))).toBe(false);
  expect(sameOrigin(req('POST', { host: 'tocsin.example', 'sec-fetch-site': 'same-site' }))).toBe(false);
  expect(sameOrigin(req('POST', { host: 'tocsin.example' }))).toBe(true); // not a browser's cross-origin request
});

test('the cookie is httpOnly and SameSite=Strict, Secure when asked', () => {
  const at = new Date(Date.now() + 3_600_000);
  expect(sessionCookie(secret, at, false)).toMatch(/^tocsin_session=tcs_a+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=(3599|3600)$/);
  expect(sessionCookie(secret, at, true)).toMatch(/; Secure$/);
});
