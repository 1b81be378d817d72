import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * What changed about who may call: one API token (revoked), or a whole tenant (its plan). `all`
 * is local only: this process may have missed messages, so it trusts nothing it cached.
 */
export type AuthChange = { tokenId: string } | { tenantId: string } | { all: true };

const CHANNEL = 'tocsin:auth-changed';

const message = z.union([z.strictObject({ token_id: z.uuid() }), z.strictObject({ tenant_id: z.uuid() })]);

/**
 * Tells every api process that cached credentials are stale: a change is handled here at once
 * and published on a Redis channel that every other api process (and the CLI) shares. Redis
 * pub/sub keeps no backlog, so whenever the subscriber (re)connects this process drops everything
 * it cached; while Redis is down, the caches' own TTL bounds how stale they can be.
 */
export class AuthChanges {
  readonly #listeners = new Set<(change: AuthChange) => void>();

  constructor(
    private readonly pub?: Redis,
    sub?: Redis,
  ) {
    if (!sub) return;
    sub.subscribe(CHANNEL).catch(() => undefined);
    sub.on('message', (channel: string, raw: string) => {
      if (channel !== CHANNEL) return;
      const change = parse(raw);
      if (change) this.#emit(change);
    });
    // (Re)connected: whatever was published while this process could not hear it is lost.
    sub.on('ready', () => this.#emit({ all: true }));
  }

  onChange(listener: (change: AuthChange) => void): void {
    this.#listeners.add(listener);
  }

  /** Drops what this process cached, then tells the others. Resolves when Redis took the message (or refused it). */
  async publish(change: { tokenId: string } | { tenantId: string }): Promise<void> {
    this.#emit(change);
    const body = 'tokenId' in change ? { token_id: change.tokenId } : { tenant_id: change.tenantId };
    await this.pub?.publish(CHANNEL, JSON.stringify(body)).catch(() => undefined);
  }

  #emit(change: AuthChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

function parse(raw: string): AuthChange | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = message.safeParse(json);
  if (!parsed.success) return undefined;
  return 'token_id' in parsed.data ? { tokenId: parsed.data.token_id } : { tenantId: parsed.data.tenant_id };
}
