import type { Database } from '@tocsin/db';
import { ApiError } from '../errors.js';
import type { ConfigAudit, ConfigChange } from '../audit/config-audit.js';
import type { AuthChanges } from '../auth/auth-changes.js';
import type { Principal } from '../auth/principal.js';
import { hasScope, type Scope } from '../auth/tokens.js';
import { issueToken } from './issue.js';
import { presentToken } from './present.js';
import type { CreateTokenBody } from './schema.js';

export interface TokenServiceDeps {
  db: Database;
  audit: ConfigAudit;
  /** Tells every api process that a token was revoked. */
  authChanges?: AuthChanges;
}

/** The requested scopes the caller does not hold itself: a credential never mints more than it has. */
export function ungrantable(granted: readonly string[], requested: readonly Scope[]): Scope[] {
  return requested.filter((scope) => !hasScope(granted, scope));
}

const tokenResource = (token: { id: string; name: string }) => ({ id: token.id, type: 'ApiToken', name: token.name });

/** The audit record of a new token: who can tell it apart (prefix) and what it may do, never the token. */
export const tokenCreatedChange = (token: { id: string; name: string; prefix: string; scopes: readonly string[] }): ConfigChange => ({
  action: 'TOCSIN_API_TOKEN_CREATED',
  resource: tokenResource(token),
  detail: { prefix: token.prefix, scopes: [...token.scopes] },
});
const notFound = () => new ApiError(404, 'not_found', 'No API token with that id.');

const LISTED = { id: true, tenantId: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true } as const;

/**
 * A tenant's API tokens. Revoked tokens are not listed: the list is what can reach the tenant
 * now, and the audit stream (TOCSIN_API_TOKEN_REVOKED) is the history.
 */
export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  async list(principal: Principal) {
    const tokens = await this.deps.db.withTenant(principal.tenantId, (tx) =>
      tx.apiToken.findMany({ where: { revokedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: LISTED }),
    );
    return tokens.map(presentToken);
  }

  /** Issues a token; the answer is the only place the token ever appears. */
  async create(principal: Principal, body: CreateTokenBody) {
    const lacking = ungrantable(principal.scopes, body.scopes);
    if (lacking.length > 0) {
      throw new ApiError(
        403,
        'insufficient_scope',
        'A token cannot be given scopes its creator lacks.',
        lacking.map((scope) => ({ path: `scopes.${body.scopes.indexOf(scope)}`, message: `you do not hold ${scope}` })),
      );
    }
    const { stored, token } = await this.deps.db.withTenant(principal.tenantId, (tx) => issueToken(tx, principal.tenantId, body.name, body.scopes));
    await this.deps.audit.record(principal, tokenCreatedChange(stored));
    return { ...presentToken(stored), token };
  }

  /**
   * Revokes a token, the caller's own included (its next request is refused). Every api process
   * drops the token from its cache before this answers: the message is published first.
   */
  async revoke(principal: Principal, id: string) {
    const revoked = await this.deps.db.withTenant(principal.tenantId, async (tx) => {
      const token = await tx.apiToken.findFirst({ where: { id, revokedAt: null }, select: { id: true, name: true, prefix: true } });
      // A concurrent revoke may have won since the read: only the one that sets revoked_at goes on.
      const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      return count === 1 ? token : undefined;
    });
    if (!revoked) throw notFound();
    await this.deps.authChanges?.publish({ tokenId: id });
    await this.deps.audit.record(principal, { action: 'TOCSIN_API_TOKEN_REVOKED', resource: tokenResource(revoked), detail: { prefix: revoked.prefix } });
    return { id, tenant_id: principal.tenantId };
  }
}
