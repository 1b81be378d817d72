import pg from 'pg';
import { Queue, Worker, createPostgresBackend, runMigrations, type Processor, type WorkerOptions } from 'bullmq';
import { connectRedis, untilReady, withTimeout, type RedisClient, type RedisTarget } from './connection.js';
import { checkEvictionPolicy, type CheckLogger } from './eviction.js';
import { PostgresBus, RedisBus, type Bus } from './bus.js';

/** Where the delivery queues live: Redis (one server or a cluster), or Tocsin's own PostgreSQL. */
export type QueueKind = 'redis' | 'postgres';

export interface QueueStoreOptions {
  kind: QueueKind;
  /** The deployment's namespace: Redis key prefix, and the name of its pub/sub channels on either store. */
  prefix: string;
  redis: RedisTarget;
  /** Tocsin's database; on PostgreSQL the queues live in its `bullmq` schema. */
  databaseUrl: string;
  /** PostgreSQL only: connections for queue operations, besides one per worker that waits for jobs. @defaultValue 10 */
  poolSize?: number;
  /** Where a lost connection is reported; it is retried either way. */
  onError?: (err: unknown) => void;
}

/** The parts of a Worker's options that do not depend on the store. */
export type WorkerTuning = Omit<WorkerOptions, 'connection' | 'prefix'>;

/**
 * The one place that knows which store runs the queues. Everything else asks it for BullMQ
 * Queues and Workers, a pub/sub {@link Bus}, a readiness ping and a start-up check, and works the
 * same on both.
 */
export interface QueueStore {
  readonly kind: QueueKind;
  readonly prefix: string;
  readonly bus: Bus;
  queue(name: string): Queue;
  worker(name: string, processor: Processor, options: WorkerTuning): Worker;
  /** Resolves when the store answers (PING, or a query), rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Before the first job: Redis' eviction policy must be noeviction (see checkEvictionPolicy);
   * PostgreSQL's queue schema is migrated (idempotent, serialised by BullMQ's advisory lock).
   */
  prepare(logger: CheckLogger, options: { requireNoEviction: boolean }): Promise<void>;
  /** Ends the store's connections; its Queues and Workers must be closed first. `force` does not wait for replies. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** The configuration keys a store is built from (a subset of Tocsin's Config). */
export interface QueueStoreConfig {
  TOCSIN_QUEUE?: QueueKind;
  TOCSIN_QUEUE_PREFIX: string;
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: readonly { host: string; port: number }[];
  DATABASE_URL: string;
}

export function queueStoreOptionsOf(config: QueueStoreConfig): QueueStoreOptions {
  return {
    kind: config.TOCSIN_QUEUE ?? 'redis',
    prefix: config.TOCSIN_QUEUE_PREFIX,
    redis: { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES },
    databaseUrl: config.DATABASE_URL,
  };
}

export function openQueueStore(options: QueueStoreOptions): QueueStore {
  return options.kind === 'redis' ? new RedisStore(options) : new PostgresStore(options);
}

class RedisStore implements QueueStore {
  readonly kind = 'redis';
  readonly prefix: string;
  readonly bus: RedisBus;
  /** Producers fail fast: no offline queue and one retry, so an outage costs an error, never a hang. */
  readonly #client: RedisClient;
  /** Workers block on Redis: maxRetriesPerRequest must be null, or a blip kills them for good. */
  #workerClient?: RedisClient;

  constructor(readonly options: QueueStoreOptions) {
    this.prefix = options.prefix;
    this.#client = connectRedis(options.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.#client.on('error', (err) => options.onError?.(err));
    this.bus = new RedisBus(this.#client, () => this.#connect({}));
  }

  #connect(options: { maxRetriesPerRequest?: null }): RedisClient {
    const client = connectRedis(this.options.redis, options);
    client.on('error', (err) => this.options.onError?.(err));
    return client;
  }

  queue(name: string): Queue {
    return new Queue(name, { connection: this.#client, prefix: this.prefix });
  }

  worker(name: string, processor: Processor, options: WorkerTuning): Worker {
    // BullMQ duplicates this connection (a Cluster too) for its blocking reads.
    this.#workerClient ??= this.#connect({ maxRetriesPerRequest: null });
    return new Worker(name, processor, { ...options, connection: this.#workerClient, prefix: this.prefix });
  }

  /** Waits (at most 2 s) for the connection first: without an offline queue it refuses commands before. */
  ping(): Promise<void> {
    const client = this.#client;
    return withTimeout(
      untilReady(client).then(async () => {
        if (!client.isCluster) {
          await client.ping();
          return;
        }
        // A cluster with an unserved slot answers PING but refuses that slot's queues.
        const info = await client.cluster('INFO');
        if (!/^cluster_state:ok/m.test(String(info))) throw new Error('cluster state is not ok');
      }),
      2_000,
    );
  }

  prepare(logger: CheckLogger, options: { requireNoEviction: boolean }): Promise<void> {
    return checkEvictionPolicy(this.#client, logger, { require: options.requireNoEviction });
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    await this.bus.close();
    this.#workerClient?.disconnect();
    if (options.force) this.#client.disconnect();
    else await this.#client.quit().catch(() => this.#client.disconnect());
  }
}

/** BullMQ's own schema name: a pool we build ourselves can only use that one. */
const SCHEMA = 'bullmq';

class PostgresStore implements QueueStore {
  readonly kind = 'postgres';
  readonly prefix: string;
  readonly bus: PostgresBus;
  /**
   * One pool for the process's queue operations. BullMQ checks a client out of it for each
   * worker's LISTEN, so it grows by one per worker (see {@link worker}).
   */
  readonly #pool: pg.Pool;

  constructor(readonly options: QueueStoreOptions) {
    this.prefix = options.prefix;
    this.#pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // BullMQ's SQL names its tables unqualified; keep-alive lets it notice a LISTEN connection that died silently.
      options: `-c search_path=${SCHEMA}`,
      keepAlive: true,
      application_name: 'tocsin-queue',
    });
    // An idle client whose server went away: without a listener pg would crash the process.
    this.#pool.on('error', (err) => options.onError?.(err));
    this.#pool.setMaxListeners(0); // each BullMQ Queue and Worker on it adds its own
    this.bus = new PostgresBus(this.#pool, options.databaseUrl, options.onError);
  }

  // Typed as BullMQ's default (Redis) classes, as every caller sees them: the methods Tocsin uses
  // are the backend-agnostic API, and the test matrix runs them on this backend.
  queue(name: string): Queue {
    return new Queue(name, { connection: this.#pool }, createPostgresBackend) as unknown as Queue;
  }

  worker(name: string, processor: Processor, options: WorkerTuning): Worker {
    this.#pool.options.max += 1; // the worker's LISTEN client holds one for good
    return new Worker(name, processor, { ...options, connection: this.#pool }, createPostgresBackend) as unknown as Worker;
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async prepare(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await runMigrations(client, SCHEMA);
    } finally {
      client.release();
    }
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    await this.bus.close();
    const ending = this.#pool.end();
    // Forced, it does not wait for clients still checked out (a worker past its shutdown grace).
    if (options.force) ending.catch(() => undefined);
    else await ending;
  }
}
