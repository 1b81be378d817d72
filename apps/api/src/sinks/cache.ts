import type { Redis } from 'ioredis';
import { TtlCache } from '../ttl-cache.js';

export interface SinkRow {
  id: string;
  channel: string;
  events: string[];
  minSeverity: string;
  /** SIEM kinds only: the sink takes DEBUG events too. */
  forwardDebug: boolean;
}

const CHANNEL = 'tocsin:sinks-changed';

/**
 * Each tenant's enabled sinks, for matching at ingest. Entries expire after `ttlMs` and are
 * dropped at once on change, here and (through Redis pub/sub) in every other api process. If
 * Redis is down, the TTL bounds how stale another process can be.
 */
export class SinkCache {
  readonly #entries: TtlCache<string, SinkRow[]>;

  constructor(
    ttlMs: number,
    private readonly pub?: Redis,
    sub?: Redis,
  ) {
    this.#entries = new TtlCache(ttlMs);
    if (sub) {
      sub.subscribe(CHANNEL).catch(() => undefined);
      sub.on('message', (channel: string, tenantId: string) => {
        if (channel === CHANNEL) this.#entries.delete(tenantId);
      });
    }
  }

  /** The tenant's enabled sinks, from the cache or from `load` (run inside the caller's transaction). */
  get(tenantId: string, load: () => Promise<SinkRow[]>): Promise<SinkRow[]> {
    return this.#entries.get(tenantId, load);
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
    this.pub?.publish(CHANNEL, tenantId).catch(() => undefined);
  }
}
