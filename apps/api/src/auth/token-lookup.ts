import type { Database } from '@tocsin/db';
import type { Plan, Principal } from './principal.js';

/**
 * The principal of a live API token, by the token's SHA-256: through `tocsin_authenticate`, a
 * narrow SECURITY DEFINER function (the tenant is not known yet, so row-level security would hide
 * the row). Undefined for an unknown or revoked token. Bearer authentication (with its cache) and
 * the console's sign-in both resolve tokens here.
 */
export async function lookupToken(db: Database, hash: Buffer): Promise<Principal | undefined> {
  const rows = await db.prisma.$queryRaw<{ token_id: string; tenant_id: string; scopes: string[]; plan: Plan }[]>`
    SELECT token_id, tenant_id, scopes, plan FROM tocsin_authenticate(${hash})`;
  const row = rows[0];
  return row && { tenantId: row.tenant_id, scopes: row.scopes, plan: row.plan, tokenId: row.token_id };
}
