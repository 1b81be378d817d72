import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '@tocsin/db';
import { SCOPES, type Scope } from '../auth/tokens.js';
import { issueToken } from '../tokens/issue.js';
import type { Plan } from '../auth/principal.js';

export const planSchema = z.enum(['free', 'team', 'enterprise']);
export const tenantIdSchema = z.uuid();
export const scopesSchema = z.array(z.enum(SCOPES)).min(1);

/** Issues an API token; the token itself is returned once and only its hash is kept. */
export async function createToken(db: Database, tenantId: string, scopes: Scope[], name = 'cli'): Promise<{ token_id: string; token: string; prefix: string }> {
  return db.withTenant(tenantId, async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    const { stored, token } = await issueToken(tx, tenantId, name, scopes);
    return { token_id: stored.id, token, prefix: stored.prefix };
  });
}

/** Creates a tenant and its first admin token. */
export async function createTenant(db: Database, name: string, plan: Plan): Promise<{ tenant_id: string; token: string; token_id: string; prefix: string }> {
  const tenantId = randomUUID();
  await db.withTenant(tenantId, (tx) => tx.tenant.create({ data: { id: tenantId, name, plan } }));
  const created = await createToken(db, tenantId, ['admin'], INITIAL_TOKEN_NAME);
  return { tenant_id: tenantId, ...created };
}

export const INITIAL_TOKEN_NAME = 'initial admin token';

export interface TenantListing {
  tenant_id: string;
  name: string;
  plan: Plan;
  created_at: string;
}

/**
 * Every tenant, oldest first, for operators. Row-level security shows the app's role one tenant
 * at a time, so this goes through `tocsin_list_tenants()`, a SECURITY DEFINER function that
 * returns ids, names, plans and creation times and nothing else.
 */
export async function listTenants(db: Database): Promise<TenantListing[]> {
  const rows = await db.prisma.$queryRaw<{ id: string; name: string; plan: Plan; created_at: Date }[]>`
    SELECT id, name, plan, created_at FROM tocsin_list_tenants()`;
  return rows.map((r) => ({ tenant_id: r.id, name: r.name, plan: r.plan, created_at: r.created_at.toISOString() }));
}
