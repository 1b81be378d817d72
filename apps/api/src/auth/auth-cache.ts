import type { AuthChange, AuthChanges } from './auth-changes.js';

/**
 * How long a credential lookup is trusted without news from Redis. Revocation and plan changes
 * arrive through `AuthChanges` within milliseconds; this is only the bound when Redis is down.
 */
export const AUTH_CACHE_MS = 5_000;

/**
 * A per-process cache of credential lookups that `AuthChanges` empties: each change drops the
 * entries it `affects`. A lookup that was running while a change arrived is answered but not
 * stored, since it may have read the row before the change committed.
 */
export class AuthCache<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();
  /** Bumped by every change; a load that saw another epoch start is not stored. */
  #epoch = 0;

  constructor(
    changes: AuthChanges | undefined,
    private readonly affects: (change: AuthChange, key: string, value: V) => boolean,
    private readonly ttlMs = AUTH_CACHE_MS,
    private readonly maxEntries = 10_000,
  ) {
    changes?.onChange((change) => this.#drop(change));
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const epoch = this.#epoch;
    const value = await load();
    if (epoch !== this.#epoch) return value;
    // Full: start over (simpler than LRU; a refill costs one lookup per credential).
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, until: Date.now() + this.ttlMs });
    return value;
  }

  #drop(change: AuthChange): void {
    this.#epoch += 1;
    if ('all' in change) {
      this.#entries.clear();
      return;
    }
    for (const [key, entry] of this.#entries) if (this.affects(change, key, entry.value)) this.#entries.delete(key);
  }
}
