import type { Database } from '@tocsin/db';
import { issueToken } from '../tokens/issue.js';

export const OPERATOR_TOKEN_NAME = 'operator';

/**
 * Issues an operator token: an admin token of `tenantId` flagged `operator`, which opens the
 * queue dashboard (/admin/queues) once signed in at /console. Only this function (an operator
 * command with database access) sets the flag; the public API cannot, so a tenant's admin cannot
 * make itself an operator. Use a tenant of its own for operators (`tenant create --name operators`):
 * the token is also a full admin of that tenant. Revoke it like any token (DELETE /v1/tokens/{id}).
 */
export async function createOperatorToken(db: Database, tenantId: string, name = OPERATOR_TOKEN_NAME): Promise<{ token_id: string; token: string; prefix: string }> {
  return db.withTenant(tenantId, async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    const { stored, token } = await issueToken(tx, tenantId, name, ['admin']);
    await tx.$executeRaw`UPDATE api_token SET operator = true WHERE id = ${stored.id}::uuid`;
    return { token_id: stored.id, token, prefix: stored.prefix };
  });
}
