import type { Server } from 'node:http';
import { once } from 'node:events';
import { createEgressPolicy, SenderCache } from '@tocsin/channels';
import { Database, SecretBox } from '@tocsin/db';
import { openQueueStore, Producer, queueStoreOptionsOf } from '@tocsin/queue';
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
  // Errors of the store's connections surface as failed enqueues (the relay catches up) and in /readyz.
  const store = openQueueStore({ ...queueStoreOptionsOf(config), onError: () => undefined });
  const producer = new Producer(store);
  const bus = { prefix: config.TOCSIN_QUEUE_PREFIX, bus: store.bus, listen: true };
  const cache = new SinkCache(5_000, bus);
  const authChanges = new AuthChanges(bus);
  const release = async () => {
    await producer.close();
    await store.close({ force: true });
    await db.close();
  };
  try {
    await store.prepare(logger, { requireNoEviction: config.TOCSIN_REDIS_REQUIRE_NOEVICTION });
  } catch (err) {
    await release();
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
    metricsToken: config.TOCSIN_METRICS_TOKEN,
  });
  const server = app.listen(config.PORT, config.HOST);
  try {
    await once(server, 'listening');
  } catch (err) {
    // Nothing may stay half-started: with its connections closed the process can exit.
    await release();
    throw ListenError.from(err, config.HOST, config.PORT);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ host: config.HOST, port, url: `http://${urlHost(config.HOST)}:${port}`, queue: store.kind }, 'api listening');
  return {
    server,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await release();
    },
  };
}

/** The api could not listen on HOST:PORT; the message says which and what to do. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  /** Stable: `port_in_use`, `address_unavailable` (HOST is not an address of this machine) or `listen_failed`. */
  readonly code: 'port_in_use' | 'address_unavailable' | 'listen_failed';

  constructor(code: ListenError['code'], message: string, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }

  static from(err: unknown, host: string, port: number): ListenError {
    const where = `${urlHost(host)}:${port}`;
    switch ((err as NodeJS.ErrnoException).code) {
      case 'EADDRINUSE':
        return new ListenError('port_in_use', `port ${port} is already in use on ${host} (another tocsin api?): stop that process or set PORT to a free port`, err);
      case 'EADDRNOTAVAIL':
        return new ListenError('address_unavailable', `cannot listen on ${where}: ${host} is not an address of this machine; set HOST (e.g. 127.0.0.1 or 0.0.0.0)`, err);
      case 'EACCES':
        return new ListenError('listen_failed', `not allowed to listen on ${where} (ports below 1024 need privileges): set PORT to 1024 or above`, err);
      default:
        return new ListenError('listen_failed', `cannot listen on ${where}: ${(err as Error).message}`, err);
    }
  }
}

/** An IPv6 address in a URL goes in brackets. */
const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
