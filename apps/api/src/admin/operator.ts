import type { Config, Logger } from '@tocsin/config';
import { Database } from '@tocsin/db';
import { connectRedis, Producer } from '@tocsin/queue';
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
 * Runs `fn` with its own database pool and Redis connections, then closes them once the audit
 * events' deliveries are enqueued and the cache invalidations are sent. Without Redis the change
 * still commits and is audited (the relay enqueues later); the api processes then see it when
 * their caches expire, and the logger says so.
 */
export async function withOperator<T>(config: Config, logger: Logger, fn: (deps: OperatorDeps) => Promise<T>): Promise<T> {
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 2 });
  // One try, no offline queue: a command must not hang on a Redis that is down.
  const pub = connectRedis({ url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES }, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, reconnect: false });
  pub.on('error', () => undefined);
  const connected = await pub.connect().then(
    () => true,
    (err: unknown) => {
      logger.warn({ err }, `Redis is unreachable: api processes see this change within ${AUTH_CACHE_MS / 1000} s, when their caches expire`);
      return false;
    },
  );
  const producer = new Producer({ redisUrl: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES, prefix: config.TOCSIN_QUEUE_PREFIX });
  const sinks = new SinkCache(0, { prefix: config.TOCSIN_QUEUE_PREFIX, pub });
  const ingestor = new Ingestor({ db, cache: sinks, producer, logger, relayGraceMs: config.TOCSIN_RELAY_GRACE_MS });
  try {
    return await fn({ db, sinks, authChanges: new AuthChanges({ prefix: config.TOCSIN_QUEUE_PREFIX, pub }), audit: new ConfigAudit(ingestor, logger), logger });
  } finally {
    // Without Redis an enqueue waits for a connection that never comes: ending it fails them (the relay enqueues later).
    if (!connected) producer.connection.disconnect();
    await ingestor.drain();
    await producer.close();
    // QUIT is answered after the invalidations queued before it.
    if (connected) await pub.quit().catch(() => pub.disconnect());
    else pub.disconnect();
    await db.close();
  }
}
