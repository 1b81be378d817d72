import type { Redis } from 'ioredis';

export interface SinkRow {
  id: string;
  kind: string;
  events: string[];
  minSeverity: string;
}

const CHANNEL = 'tocsin:sinks-changed';

/**
 * Each tenant's enabled sinks, for matching at ingest. Entries expire after `ttlMs` and are
 * dropped at once on change, here and (through Redis pub/sub) in every other api process. If
 * Redis is down, the TTL bounds how stale another process can be.
 */
export class SinkCache {
  readonly #entries = new Map<string, { sinks: SinkRow[]; until: number }>();

  constructor(
    private readonly ttlMs = 5_000,
    private readonly pub?: Redis,
    sub?: Redis,
  ) {
    if (sub) {
      sub.subscribe(CHANNEL).catch(() => undefined);
      sub.on('message', (_channel: string, tenantId: string) => this.#entries.delete(tenantId));
    }
  }

  /** The tenant's enabled sinks, from the cache or from `load` (run inside the caller's transaction). */
  async get(tenantId: string, load: () => Promise<SinkRow[]>): Promise<SinkRow[]> {
    const hit = this.#entries.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.sinks;
    const sinks = await load();
    this.#entries.set(tenantId, { sinks, until: Date.now() + this.ttlMs });
    return sinks;
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
    this.pub?.publish(CHANNEL, tenantId).catch(() => undefined);
  }
}
