import { z } from 'zod';
import type { Bus } from '@tocsin/queue';

/**
 * What changed about who may call: one API token (revoked), or a whole tenant (its plan). `all`
 * is local only: this process may have missed messages, so it trusts nothing it cached.
 */
export type AuthChange = { tokenId: string } | { tenantId: string } | { all: true };

/** Scoped by the deployment's TOCSIN_QUEUE_PREFIX: pub/sub channels ignore key prefixes (see sinksChangedChannel). */
export const authChangedChannel = (prefix: string) => `${prefix}:auth-changed`;

export interface AuthBus {
  prefix: string;
  bus: Bus;
  /** Hear other processes' changes (an api process); a one-shot command only tells them. */
  listen: boolean;
}

const message = z.union([z.strictObject({ token_id: z.uuid() }), z.strictObject({ tenant_id: z.uuid() })]);

/**
 * Tells every api process that cached credentials are stale: a change is handled here at once
 * and published on the queue store's bus, which every other api process (and the CLI) shares.
 * The bus keeps no backlog, so whenever the subscriber (re)connects this process drops everything
 * it cached; while the store is down, the caches' own TTL bounds how stale they can be.
 */
export class AuthChanges {
  readonly #listeners = new Set<(change: AuthChange) => void>();

  readonly #bus?: Bus;
  readonly #channel?: string;

  /** Without a bus, changes are handled in this process only. */
  constructor(bus?: AuthBus) {
    if (!bus) return;
    const channel = authChangedChannel(bus.prefix);
    this.#channel = channel;
    this.#bus = bus.bus;
    if (!bus.listen) return;
    bus.bus.subscribe(channel, (raw) => {
      const change = parse(raw);
      if (change) this.#emit(change);
    });
    // (Re)connected: whatever was published while this process could not hear it is lost.
    bus.bus.onConnect(() => this.#emit({ all: true }));
  }

  onChange(listener: (change: AuthChange) => void): void {
    this.#listeners.add(listener);
  }

  /** Drops what this process cached, then tells the others. Resolves when the store took the message (or refused it). */
  async publish(change: { tokenId: string } | { tenantId: string }): Promise<void> {
    this.#emit(change);
    const body = 'tokenId' in change ? { token_id: change.tokenId } : { tenant_id: change.tenantId };
    if (this.#channel) await this.#bus?.publish(this.#channel, JSON.stringify(body)).catch(() => undefined);
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
