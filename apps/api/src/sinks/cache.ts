import { sinksChangedChannel, type Bus } from '@tocsin/queue';
import { TtlCache } from '../ttl-cache.js';

export interface SinkRow {
  id: string;
  channel: string;
  events: string[];
  minSeverity: string;
  /** SIEM kinds only: the sink takes DEBUG events too. */
  forwardDebug: boolean;
}

/** Where invalidations go and come from: the prefix's channel on the queue store's bus. */
export interface CacheBus {
  prefix: string;
  bus: Bus;
  /** Hear other processes' changes (an api process); a one-shot command only tells them. */
  listen: boolean;
}

/**
 * Each tenant's enabled sinks, for matching at ingest. Entries expire after `ttlMs` and are
 * dropped at once on change, here and (through the queue store's pub/sub) in every other api
 * process. If the store is down, the TTL bounds how stale another process can be.
 */
export class SinkCache {
  readonly #entries: TtlCache<string, SinkRow[]>;

  readonly #bus?: Bus;
  readonly #channel?: string;

  constructor(ttlMs: number, bus?: CacheBus) {
    this.#entries = new TtlCache(ttlMs);
    if (!bus) return;
    const channel = sinksChangedChannel(bus.prefix);
    this.#channel = channel;
    this.#bus = bus.bus;
    if (bus.listen) bus.bus.subscribe(channel, (tenantId) => this.#entries.delete(tenantId));
  }

  /** The tenant's enabled sinks, from the cache or from `load` (run inside the caller's transaction). */
  get(tenantId: string, load: () => Promise<SinkRow[]>): Promise<SinkRow[]> {
    return this.#entries.get(tenantId, load);
  }

  /** The tenant's enabled sinks if the cache holds them, at once. */
  peek(tenantId: string): SinkRow[] | undefined {
    return this.#entries.peek(tenantId);
  }

  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
    if (this.#channel) this.#bus?.publish(this.#channel, tenantId).catch(() => undefined);
  }
}
