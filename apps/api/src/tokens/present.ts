export interface StoredToken {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The public shape of an API token (schema.ts, apiTokenResponse): the token itself is never stored. */
export function presentToken(token: StoredToken) {
  return {
    id: token.id,
    tenant_id: token.tenantId,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes,
    created_at: token.createdAt.toISOString(),
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}
