import { resolveQueueKind, type Config, type Logger } from '@tocsin/config';
import { Database } from '@tocsin/db';
import { openQueueStore, Producer, queueStoreOptionsOf } from '@tocsin/queue';
import { ConfigAudit } from '../audit/config-audit.js';
import { AuthChanges } from '../auth/auth-changes.js';
import { AUTH_CACHE_MS } from '../auth/auth-cache.js';
import { Ingestor } from '../ingest/service.js';
import { SinkCache } from '../sinks/cache.js';
import type { PlanChangeDeps } from './plans.js';

/** What an operator command (the CLI) needs to change a tenant as the api would: audited, and heard by every api process. */
export interface OperatorDeps extends PlanChangeDeps {
  logger: Logger;
}

/**
 * Runs `fn` with its own database pool and queue store, then closes them once the audit events'
 * deliveries are enqueued and the cache invalidations are sent. Without the store (Redis down)
 * the change still commits and is audited (the relay enqueues later); the api processes then see
 * it when their caches expire, and the logger says so.
 */
export async function withOperator<T>(config: Config, logger: Logger, fn: (deps: OperatorDeps) => Promise<T>): Promise<T> {
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 2 });
  // The store the running processes use: TOCSIN_QUEUE, or decided as `tocsin start` decides it.
  const { kind } = await resolveQueueKind(config);
  const store = openQueueStore({ ...queueStoreOptionsOf({ ...config, TOCSIN_QUEUE: kind }), onError: () => undefined });
  const connected = await store.ping().then(
    () => true,
    (err: unknown) => {
      logger.warn({ err }, `the queue store is unreachable: api processes see this change within ${AUTH_CACHE_MS / 1000} s, when their caches expire`);
      return false;
    },
  );
  const producer = new Producer(store);
  const bus = { prefix: config.TOCSIN_QUEUE_PREFIX, bus: store.bus, listen: false };
  const sinks = new SinkCache(0, bus);
  const ingestor = new Ingestor({ db, cache: sinks, producer, logger, relayGraceMs: config.TOCSIN_RELAY_GRACE_MS });
  try {
    return await fn({ db, sinks, authChanges: new AuthChanges(bus), audit: new ConfigAudit(ingestor, logger), logger });
  } finally {
    // Without the store an enqueue waits for a connection that never comes: ending it fails them (the relay enqueues later).
    if (!connected) await store.close({ force: true });
    await ingestor.drain();
    await producer.close();
    // A graceful close is answered after the invalidations sent before it.
    if (connected) await store.close();
    await db.close();
  }
}
