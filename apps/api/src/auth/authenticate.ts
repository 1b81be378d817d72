import type { Request, RequestHandler } from 'express';
import { sqlSetTenant, type Database } from '@tocsin/db';
import type { Logger } from '@tocsin/config';
import { ApiError } from '../errors.js';
import { TtlCache } from '../ttl-cache.js';
import { AuthCache } from './auth-cache.js';
import type { AuthChanges } from './auth-changes.js';
import { PLAN_RANK, type Plan, type Principal } from './principal.js';
import { TOKEN_PREFIX, hasScope, hashToken, type Scope } from './tokens.js';
import { lookupToken } from './token-lookup.js';
import { CSRF_HEADER, csrfSatisfied, lookupSession, readCookie, SESSION_COOKIE } from './session.js';

/** A verifier for a non-token bearer credential (user JWTs, see the Events API). */
export type BearerVerifier = (credential: string) => Promise<Principal | undefined>;

/**
 * How often a token's `last_used_at` is written, at most, per api process: "last used" to the
 * minute, without a write per request.
 */
export const LAST_USED_EVERY_MS = 60_000;

export interface AuthenticateDeps {
  db: Database;
  logger: Logger;
  /** Verifies bearer credentials that are not API tokens (user JWTs). */
  jwt?: BearerVerifier;
  /** Revocations and plan changes, from this and every other api process. */
  authChanges?: AuthChanges;
}

/**
 * Resolves `Authorization: Bearer …`, or else the console's session cookie, to a Principal. API tokens are looked up by hash through a
 * narrow SECURITY DEFINER function (the tenant is not known yet, so RLS would hide the row).
 * Lookups are cached per process and dropped when a token is revoked or its tenant's plan
 * changes, here or in any other process (auth-changes.ts); the cache's TTL is the bound only
 * while Redis is down.
 */
export function authenticate({ db, logger, jwt, authChanges }: AuthenticateDeps): RequestHandler {
  const cache = new AuthCache<Principal | undefined>(authChanges, (change, _key, p) =>
    p !== undefined && (('tokenId' in change && change.tokenId === p.tokenId) || ('tenantId' in change && change.tenantId === p.tenantId)),
  );
  const touched = new TtlCache<string, true>(LAST_USED_EVERY_MS);

  async function lookup(token: string): Promise<Principal | undefined> {
    const key = hashToken(token);
    return cache.get(key.toString('base64'), () => lookupToken(db, key));
  }

  /** Records the use, once per LAST_USED_EVERY_MS per token and process; never holds up the request. */
  function touch({ tenantId, tokenId }: Principal): void {
    if (tokenId === undefined) return;
    void touched.get(tokenId, async () => {
      db.sql(async (tx) => {
        await sqlSetTenant(tx, tenantId);
        // The condition keeps many api processes from each writing the same minute.
        await tx.query(`UPDATE api_token SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`, [
          tokenId,
          LAST_USED_EVERY_MS / 1000,
        ]);
      }).catch((err: unknown) => logger.warn({ err, tokenId }, 'could not record when a token was last used'));
      return true;
    });
  }

  return async (req, _res, next) => {
    try {
      const header = req.get('authorization') ?? '';
      // The console's session cookie stands in for the bearer header (auth/session.ts); a request
      // that sends both is judged by its header alone.
      const cookie = header === '' ? readCookie(req, SESSION_COOKIE) : undefined;
      if (cookie !== undefined) {
        const session = await lookupSession(db, cookie);
        if (!session) throw new ApiError(401, 'unauthenticated', 'The console session has expired or was ended. Sign in again.');
        if (!csrfSatisfied(req, cookie)) throw new ApiError(403, 'csrf_failed', `A request that changes something with the session cookie must send the ${CSRF_HEADER} header the session gave.`);
        touch(session.principal);
        req.principal = session.principal;
        req.consoleSession = session;
        next();
        return;
      }
      const match = /^Bearer ([^\s]+)$/i.exec(header);
      if (!match?.[1]) throw new ApiError(401, 'unauthenticated', 'Send Authorization: Bearer <token>.', [], { 'WWW-Authenticate': 'Bearer' });
      const credential = match[1];
      const principal = credential.startsWith(TOKEN_PREFIX) ? await lookup(credential) : await jwt?.(credential);
      if (!principal) throw new ApiError(401, 'unauthenticated', 'The credential is not valid.', [], { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      touch(principal);
      req.principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new ApiError(401, 'unauthenticated', 'Not authenticated.');
  return req.principal;
}

export function requireScope(scope: Scope): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req);
    next(hasScope(p.scopes, scope) ? undefined : new ApiError(403, 'insufficient_scope', `This needs the ${scope} scope.`));
  };
}

export function requirePlan(plan: Plan, what: string): RequestHandler {
  return (req, _res, next) => {
    next(planAllows(principalOf(req).plan, plan) ? undefined : planRequired(plan, what));
  };
}

export function planAllows(has: Plan, needs: Plan): boolean {
  return PLAN_RANK[has] >= PLAN_RANK[needs];
}

export function planRequired(plan: Plan, what: string): ApiError {
  return new ApiError(403, 'plan_required', `${what} needs the ${plan} plan or above.`);
}
