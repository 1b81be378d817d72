import type { Server } from 'node:http';
import { once } from 'node:events';
import { createEgressPolicy, SenderCache } from '@tocsin/channels';
import { Database, SecretBox } from '@tocsin/db';
import { checkEvictionPolicy, connectRedis, Producer } from '@tocsin/queue';
import { channelSettingsOf, type Config, type Logger } from '@tocsin/config';
import { createApp } from './app.js';
import { createJwtVerifier, jwtSettingsFrom } from './auth/jwt.js';
import { cursorKeyFrom } from './events/cursor-key.js';
import { SinkCache } from './sinks/cache.js';
import { AuthChanges } from './auth/auth-changes.js';

export interface RunningApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the api on config.PORT (0 picks a free port) with its own connections. */
export async function startApi(config: Config, box: SecretBox, logger: Logger): Promise<RunningApi> {
  const jwtSettings = jwtSettingsFrom(config); // a bad JWT setup stops start-up before anything connects
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 20 });
  const target = { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES };
  const producer = new Producer({ redisUrl: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES, prefix: config.TOCSIN_QUEUE_PREFIX });
  const pubsub = { pub: connectRedis(target, { maxRetriesPerRequest: 1, enableOfflineQueue: false }), sub: connectRedis(target) };
  pubsub.pub.on('error', () => undefined);
  pubsub.sub.on('error', () => undefined);
  const bus = { prefix: config.TOCSIN_QUEUE_PREFIX, ...pubsub };
  const cache = new SinkCache(5_000, bus);
  const authChanges = new AuthChanges(bus);
  try {
    await checkEvictionPolicy(producer.connection, logger, { require: config.TOCSIN_REDIS_REQUIRE_NOEVICTION });
  } catch (err) {
    await producer.close();
    pubsub.pub.disconnect();
    pubsub.sub.disconnect();
    await db.close();
    throw err;
  }
  const app = createApp({
    db,
    box,
    producer,
    cache,
    egress: createEgressPolicy(config.TOCSIN_EGRESS_ALLOW),
    senders: new SenderCache({ cipher: box, egressAllow: config.TOCSIN_EGRESS_ALLOW, settings: channelSettingsOf(config) }),
    logger,
    relayGraceMs: config.TOCSIN_RELAY_GRACE_MS,
    jwt: jwtSettings && createJwtVerifier(jwtSettings, db, logger, authChanges),
    authChanges,
    cursorKey: cursorKeyFrom(config, box),
    eventsSettleMs: config.TOCSIN_EVENTS_SETTLE_MS,
  });
  const server = app.listen(config.PORT, '0.0.0.0');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port }, 'api listening');
  return {
    server,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await producer.close();
      pubsub.pub.disconnect();
      pubsub.sub.disconnect();
      await db.close();
    },
  };
}
