import { sinksChangedChannel, type RedisClient } from '@tocsin/queue';
import { TtlCache } from '../ttl-cache.js';

export interface SinkRow {
  id: string;
  channel: string;
  events: string[];
  minSeverity: string;
  /** SIEM kinds only: the sink takes DEBUG events too. */
  forwardDebug: boolean;
}

/** Where invalidations go and come from: publish on `pub`, listen on `sub`, on the prefix's channel. */
export interface CacheBus {
  prefix: string;
  pub?: RedisClient;
  sub?: RedisClient;
}

/**
 * Each tenant's enabled sinks, for matching at ingest. Entries expire after `ttlMs` and are
 * dropped at once on change, here and (through Redis pub/sub) in every other api process. If
 * Redis is down, the TTL bounds how stale another process can be.
 */
export class SinkCache {
  readonly #entries: TtlCache<string, SinkRow[]>;

  readonly #pub?: RedisClient;
  readonly #channel?: string;

  constructor(ttlMs: number, bus?: CacheBus) {
    this.#entries = new TtlCache(ttlMs);
    if (!bus) return;
    const channel = sinksChangedChannel(bus.prefix);
    this.#channel = channel;
    this.#pub = bus.pub;
    if (bus.sub) {
      bus.sub.subscribe(channel).catch(() => undefined);
      bus.sub.on('message', (from: string, tenantId: string) => {
        if (from === channel) this.#entries.delete(tenantId);
      });
    }
  }

  /** The tenant's enabled sinks, from the cache or from `load` (run inside the caller's transaction). */
  get(tenantId: string, load: () => Promise<SinkRow[]>): Promise<SinkRow[]> {
    return this.#entries.get(tenantId, load);
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
    if (this.#channel) this.#pub?.publish(this.#channel, tenantId).catch(() => undefined);
  }
}
