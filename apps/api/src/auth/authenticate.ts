import type { Request, RequestHandler } from 'express';
import type { Database } from '@tocsin/db';
import { ApiError } from '../errors.js';
import { TtlCache } from '../ttl-cache.js';
import { PLAN_RANK, type Plan, type Principal } from './principal.js';
import { TOKEN_PREFIX, hasScope, hashToken, type Scope } from './tokens.js';

/** A verifier for a non-token bearer credential (user JWTs, see the Events API). */
export type BearerVerifier = (credential: string) => Promise<Principal | undefined>;

const CACHE_MS = 10_000;

/**
 * Resolves `Authorization: Bearer …` to a Principal. API tokens are looked up by hash through a
 * narrow SECURITY DEFINER function (the tenant is not known yet, so RLS would hide the row).
 * Lookups are cached briefly: revocation takes effect within CACHE_MS.
 */
export function authenticate(db: Database, jwt?: BearerVerifier): RequestHandler {
  const cache = new TtlCache<string, Principal | undefined>(CACHE_MS);

  async function lookup(token: string): Promise<Principal | undefined> {
    const key = hashToken(token);
    return cache.get(key.toString('base64'), async () => {
      const rows = await db.prisma.$queryRaw<{ token_id: string; tenant_id: string; scopes: string[]; plan: Plan }[]>`
        SELECT token_id, tenant_id, scopes, plan FROM tocsin_authenticate(${key})`;
      const row = rows[0];
      return row && { tenantId: row.tenant_id, scopes: row.scopes, plan: row.plan, tokenId: row.token_id };
    });
  }

  return async (req, _res, next) => {
    try {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer ([^\s]+)$/i.exec(header);
      if (!match?.[1]) throw new ApiError(401, 'unauthenticated', 'Send Authorization: Bearer <token>.', [], { 'WWW-Authenticate': 'Bearer' });
      const credential = match[1];
      const principal = credential.startsWith(TOKEN_PREFIX) ? await lookup(credential) : await jwt?.(credential);
      if (!principal) throw new ApiError(401, 'unauthenticated', 'The credential is not valid.', [], { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
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
