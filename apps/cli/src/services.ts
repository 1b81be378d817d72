import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { addressOf, answers, resolveQueueKind, type Config, type Logger } from '@tocsin/config';
import { embeddedPostgresUrl, startEmbeddedPostgres } from './embedded-postgres.js';

const TOCSIN_DIR = '.tocsin';
/** Where `tocsin start` keeps the embedded PostgreSQL's cluster and password. */
export const EMBEDDED_POSTGRES_DIR = `${TOCSIN_DIR}/postgres`;
const DATABASE = 'tocsin';

/** The database a command uses, and where that choice came from. */
export interface DatabaseChoice {
  url: string;
  source: 'DATABASE_URL' | 'embedded' | 'default address';
}

/**
 * DATABASE_URL when it is set; else the embedded cluster in .tocsin if `tocsin start` made one
 * (its server runs while start does); else the default address.
 */
export function databaseOf(config: Config, env: Record<string, string | undefined> = process.env): DatabaseChoice {
  if (env.DATABASE_URL) return { url: config.DATABASE_URL, source: 'DATABASE_URL' };
  const embedded = embeddedPostgresUrl(EMBEDDED_POSTGRES_DIR, config.TOCSIN_LOCAL_POSTGRES_PORT, DATABASE);
  return embedded ? { url: embedded, source: 'embedded' } : { url: config.DATABASE_URL, source: 'default address' };
}

export interface Services {
  /** The configuration the api and workers run with: database and queue store decided. */
  config: Config;
  /** The same decisions as environment variables, for the child processes. */
  env: Record<string, string>;
  /** Stops what start started (the embedded PostgreSQL); a no-op otherwise. */
  stop(): Promise<void>;
}

/**
 * What `tocsin start` runs on, said in one line each. The database: DATABASE_URL if set; else an
 * embedded PostgreSQL (from npm, data in .tocsin/postgres) when one was made before or when
 * nothing answers at the default address; else the PostgreSQL at the default address. The
 * queue store: see resolveQueueKind.
 */
export async function startServices(config: Config, logger: Logger, env: Record<string, string | undefined> = process.env): Promise<Services> {
  let database = databaseOf(config, env);
  let stop: () => Promise<void> = async () => undefined;
  const { host, port } = addressOf(config.DATABASE_URL, 5432);
  if (database.source === 'default address' && (await answers(host, port))) {
    logger.info({ database: 'local' }, `database: the PostgreSQL at ${host}:${port} (set DATABASE_URL to use another)`);
  } else if (database.source !== 'DATABASE_URL') {
    // The server runs as the `postgres` user when this runs as root: it must be able to pass
    // through .tocsin (made 0700 for the development key, a file of its own mode 0600).
    mkdirSync(TOCSIN_DIR, { recursive: true, mode: 0o711 });
    chmodSync(TOCSIN_DIR, statSync(TOCSIN_DIR).mode | 0o011);
    const server = await startEmbeddedPostgres({ dir: EMBEDDED_POSTGRES_DIR, port: config.TOCSIN_LOCAL_POSTGRES_PORT, onLog: (line) => logger.debug({ postgres: line.trim() }, 'embedded postgres') });
    database = { url: server.url(DATABASE), source: 'embedded' };
    stop = () => server.stop();
    logger.info(
      { database: 'embedded', dir: EMBEDDED_POSTGRES_DIR, port: config.TOCSIN_LOCAL_POSTGRES_PORT, created: server.created },
      `database: ${server.created ? 'created and started' : 'started'} an embedded PostgreSQL on 127.0.0.1:${config.TOCSIN_LOCAL_POSTGRES_PORT}, data in ${EMBEDDED_POSTGRES_DIR} (set DATABASE_URL to use your own)`,
    );
  } else {
    logger.info({ database: 'DATABASE_URL' }, 'database: DATABASE_URL');
  }
  const queue = await resolveQueueKind(config, env);
  logger.info({ queue: queue.kind }, `queue store: ${queue.kind === 'redis' ? `Redis (${queue.reason})` : `PostgreSQL, no Redis (${queue.reason}); set REDIS_URL or TOCSIN_QUEUE=redis for Redis`}`);
  return {
    config: { ...config, DATABASE_URL: database.url, TOCSIN_QUEUE: queue.kind },
    env: { DATABASE_URL: database.url, TOCSIN_QUEUE: queue.kind },
    stop,
  };
}
