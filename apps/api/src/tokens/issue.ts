import { randomUUID } from 'node:crypto';
import type { Tx } from '@tocsin/db';
import { generateToken, type Scope } from '../auth/tokens.js';
import type { StoredToken } from './present.js';

/** Stores a new token for the transaction's tenant; the token is returned here once and only its hash is kept. */
export async function issueToken(tx: Tx, tenantId: string, name: string, scopes: readonly Scope[]): Promise<{ stored: StoredToken; token: string }> {
  const { token, prefix, hash } = generateToken();
  const stored = await tx.apiToken.create({
    data: { id: randomUUID(), tenantId, name, prefix, tokenHash: Uint8Array.from(hash), scopes: [...scopes] },
    select: { id: true, tenantId: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true },
  });
  return { stored, token };
}
