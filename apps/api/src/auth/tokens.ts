import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'tct_';
/** Characters shown in listings so a person can tell tokens apart; far too few to guess the rest. */
const SHOWN_CHARS = 12;

export const SCOPES = ['events:write', 'events:read', 'sinks:admin', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function generateToken(): { token: string; prefix: string; hash: Buffer } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, prefix: token.slice(0, SHOWN_CHARS), hash: hashToken(token) };
}

/** Tokens are 256 random bits, so a plain SHA-256 is enough (no password stretching needed). */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}
