import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Database } from '@tocsin/db';
import type { Plan, Principal } from './principal.js';
import { lookupToken } from './token-lookup.js';
import { TOKEN_PREFIX, hashToken } from './tokens.js';

/**
 * Console sessions (apps/console/README.md, "Sessions and CSRF"). Signing in with an API token
 * stores a row that refers to the token (prisma/migrations/20261206000002_console_sessions) and
 * gives the browser a random secret in an httpOnly, SameSite=Strict cookie; the raw token never
 * reaches a cookie. The row holds the secret's SHA-256 only. Each request looks the session up
 * (no cache: console traffic is small, and signing out or revoking the token then ends the
 * session at once in every api process).
 */
export const SESSION_COOKIE = 'tocsin_session';
/** The CSRF proof a request authenticated by the cookie must carry when it changes anything. */
export const CSRF_HEADER = 'x-csrf-token';
/** How long a session lasts from sign-in; it is not extended by use. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const SECRET_PREFIX = 'tcs_';
const SECRET = /^tcs_[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ConsoleSession {
  id: string;
  operator: boolean;
  expiresAt: Date;
  principal: Principal;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set when the request was authenticated by a console session cookie. */
      consoleSession?: ConsoleSession;
    }
  }
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * The CSRF token of a session: an HMAC of its secret, so it needs no storage and is worthless
 * without the cookie. A cross-site page can make the browser send the cookie (were SameSite
 * absent) but cannot read this value, and a custom header forces a CORS preflight it cannot pass.
 */
export function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('tocsin console csrf').digest('base64url');
}

/** The value of one cookie of the request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the request came over HTTPS (directly, or as a TLS-terminating proxy says: it can only add Secure). */
export function isHttps(req: Request): boolean {
  return req.secure || req.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function sessionCookie(secret: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The live API token behind a credential (tocsin_authenticate), or undefined. */
export async function tokenPrincipal(db: Database, token: string): Promise<Principal | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  return lookupToken(db, hashToken(token));
}

/** Starts a session for a token's principal; returns the cookie secret (shown to the browser only). */
export async function createSession(db: Database, principal: Principal & { tokenId: string }): Promise<{ secret: string; session: ConsoleSession }> {
  const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.withTenant(principal.tenantId, async (tx) => {
    // Sessions that ran out are removed here, a tenant at a time, rather than by a sweeper.
    await tx.$executeRaw`DELETE FROM console_session WHERE tenant_id = ${principal.tenantId}::uuid AND expires_at <= now()`;
    await tx.$executeRaw`INSERT INTO console_session (id, tenant_id, token_id, secret_hash, expires_at)
      VALUES (${randomUUID()}::uuid, ${principal.tenantId}::uuid, ${principal.tokenId}::uuid, ${hashSecret(secret)}, ${expiresAt})`;
  });
  const session = await lookupSession(db, secret);
  if (!session) throw new Error('a session just created could not be read back');
  return { secret, session };
}

/** The live session behind a cookie secret: not expired, its token not revoked. */
export async function lookupSession(db: Database, secret: string): Promise<ConsoleSession | undefined> {
  if (!SECRET.test(secret)) return undefined;
  const rows = await db.prisma.$queryRaw<{ session_id: string; token_id: string; tenant_id: string; scopes: string[]; plan: Plan; operator: boolean; expires_at: Date }[]>`
    SELECT session_id, token_id, tenant_id, scopes, plan, operator, expires_at FROM tocsin_console_session(${hashSecret(secret)})`;
  const row = rows[0];
  return (
    row && {
      id: row.session_id,
      operator: row.operator,
      expiresAt: row.expires_at,
      principal: { tenantId: row.tenant_id, scopes: row.scopes, plan: row.plan, tokenId: row.token_id },
    }
  );
}

export async function revokeSession(db: Database, session: ConsoleSession): Promise<void> {
  await db.withTenant(session.principal.tenantId, (tx) => tx.$executeRaw`DELETE FROM console_session WHERE id = ${session.id}::uuid`);
}

/** Whether a request may go ahead with cookie authentication: safe methods always, others with the CSRF token. */
export function csrfSatisfied(req: Request, secret: string): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const given = req.get(CSRF_HEADER);
  if (!given) return false;
  const expected = Buffer.from(csrfTokenOf(secret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * For requests that cannot carry the CSRF header (sign-in, the queue dashboard's own UI): refuse
 * a browser's cross-site request, by Sec-Fetch-Site where the browser sends it, else by Origin.
 */
export function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (!origin) return true; // not a browser's cross-origin request (browsers send Origin on cross-origin POSTs)
  const host = req.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
