import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '@tocsin/db';
import { SCOPES, generateToken, type Scope } from '../auth/tokens.js';
import type { Plan } from '../auth/principal.js';

export const planSchema = z.enum(['free', 'team', 'enterprise']);
export const scopesSchema = z.array(z.enum(SCOPES)).min(1);

/** Issues an API token; the token itself is returned once and only its hash is kept. */
export async function createToken(db: Database, tenantId: string, scopes: Scope[], name = 'cli'): Promise<{ token_id: string; token: string; prefix: string }> {
  const { token, prefix, hash } = generateToken();
  const id = randomUUID();
  await db.withTenant(tenantId, async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    await tx.apiToken.create({ data: { id, tenantId, name, prefix, tokenHash: Uint8Array.from(hash), scopes } });
  });
  return { token_id: id, token, prefix };
}

/** Creates a tenant and its first admin token. */
export async function createTenant(db: Database, name: string, plan: Plan): Promise<{ tenant_id: string; token: string }> {
  const tenantId = randomUUID();
  await db.withTenant(tenantId, (tx) => tx.tenant.create({ data: { id: tenantId, name, plan } }));
  const { token } = await createToken(db, tenantId, ['admin'], 'initial admin token');
  return { tenant_id: tenantId, token };
}
