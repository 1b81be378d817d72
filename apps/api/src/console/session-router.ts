import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Database } from '@tocsin/db';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json/body.js';
import {
  clearedCookie,
  createSession,
  csrfSatisfied,
  csrfTokenOf,
  isHttps,
  lookupSession,
  readCookie,
  revokeSession,
  sameOrigin,
  SESSION_COOKIE,
  sessionCookie,
  tokenPrincipal,
  type ConsoleSession,
} from '../auth/session.js';

export const signInBody = z.strictObject({ token: z.string().min(1).max(200).meta({ description: 'An API token (tct_…).' }) });

/** What the console learns about its session; the CSRF token is for the `x-csrf-token` header. */
function present(session: ConsoleSession, secret: string) {
  return {
    tenant_id: session.principal.tenantId,
    token_id: session.principal.tokenId,
    scopes: session.principal.scopes,
    plan: session.principal.plan,
    operator: session.operator,
    expires_at: session.expiresAt.toISOString(),
    csrf_token: csrfTokenOf(secret),
  };
}

/**
 * `/console/session`: POST a token to sign in (sets the cookie), GET the session (and its CSRF
 * token, after a reload), DELETE to sign out (revokes the row). Mounted before the route gate
 * and `authenticate`; these are the console's, not the public API's, so the OpenAPI document
 * does not list them.
 */
export function consoleSessionRouter(db: Database): Router {
  const router = Router();
  router.use('/console/session', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/console/session', jsonBody('4kb'), async (req: Request, res: Response) => {
    // Login CSRF: a cross-site page must not sign a browser in to the attacker's tenant.
    if (!sameOrigin(req)) throw new ApiError(403, 'csrf_failed', 'Cross-site sign-in is refused.');
    if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'Send Content-Type: application/json.');
    const body = signInBody.safeParse(req.body);
    if (!body.success) throw new ApiError(400, 'invalid_request', 'The request has invalid fields.', [{ path: 'token', message: 'Paste an API token (tct_…).' }]);
    const principal = await tokenPrincipal(db, body.data.token);
    if (!principal?.tokenId) throw new ApiError(401, 'unauthenticated', 'The token is not valid (or was revoked).');
    const { secret, session } = await createSession(db, { ...principal, tokenId: principal.tokenId });
    res.set('Set-Cookie', sessionCookie(secret, session.expiresAt, isHttps(req))).status(201).json({ session: present(session, secret) });
  });

  router.get('/console/session', async (req, res) => {
    const secret = readCookie(req, SESSION_COOKIE);
    const session = secret === undefined ? undefined : await lookupSession(db, secret);
    if (!session || secret === undefined) throw new ApiError(401, 'unauthenticated', 'Not signed in.');
    res.json({ session: present(session, secret) });
  });

  router.delete('/console/session', async (req, res) => {
    const secret = readCookie(req, SESSION_COOKIE);
    const session = secret === undefined ? undefined : await lookupSession(db, secret);
    if (session && secret !== undefined) {
      if (!csrfSatisfied(req, secret)) throw new ApiError(403, 'csrf_failed', 'Signing out needs the x-csrf-token header.');
      await revokeSession(db, session);
    }
    res.set('Set-Cookie', clearedCookie(isHttps(req))).status(204).end();
  });
  return router;
}
