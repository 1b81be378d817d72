/**
 * A per-process cache whose entries expire after `ttlMs`. `undefined` is cached too (an unknown
 * token or tenant stays unknown for the TTL, so it cannot be used to hammer the database). When
 * it holds `maxEntries`, it starts over: simpler than LRU, and a refill costs one lookup each.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.#fresh(key);
    if (hit) return hit.value;
    const value = await load();
    this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

  /**
   * The entry if it is there and fresh, at once (`get` answers a hit a microtask later). A cached
   * `undefined` reads as a miss.
   */
  peek(key: K): V | undefined {
    return this.#fresh(key)?.value;
  }

  #fresh(key: K): { value: V; until: number } | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.until > Date.now() ? hit : undefined;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
