import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { createTenant, createToken, startApi, type RunningApi, type Scope } from '@tocsin/api';
import { startWorker, type RunningWorker } from '@tocsin/worker';
import { Database, SecretBox } from '@tocsin/db';
import { createTestDatabase, testName, type TestDatabase } from '@tocsin/db/testing';
import { createLogger, loadConfig, type Config } from '@tocsin/config';
import { openQueueStore, Producer, queueStoreOptionsOf } from '@tocsin/queue';

/** Everything a test needs from one running Tocsin: own database, own queue prefix, own port. */
export interface System {
  config: Config;
  db: Database;
  box: SecretBox;
  /** The box's key (base64), for workers started in their own process. */
  encryptionKey: string;
  api: RunningApi;
  worker?: RunningWorker;
  url: string;
  /** Every log line written by the api and the worker, for leak checks. */
  logs: string[];
  tenant(plan?: 'free' | 'team' | 'enterprise'): Promise<{ tenantId: string; token: string }>;
  token(tenantId: string, scopes: Scope[]): Promise<string>;
  request(method: string, path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  startWorker(): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface SystemOptions {
  worker?: boolean;
  config?: Partial<Config>;
}

/** The config every test system starts from: fast retries and relay, loopback receivers allowed. */
export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig(),
    DATABASE_URL: databaseUrl,
    TOCSIN_QUEUE_PREFIX: testName('t'),
    PORT: 0,
    TOCSIN_EGRESS_ALLOW: ['127.0.0.0/8'],
    LOG_LEVEL: 'debug',
    TOCSIN_RETRY_BASE_MS: 100,
    TOCSIN_RETRY_MAX_ATTEMPTS: 5,
    TOCSIN_RELAY_INTERVAL_MS: 200,
    TOCSIN_RELAY_GRACE_MS: 1_000,
    TOCSIN_RELAY_RECHECK_MS: 2_000,
    TOCSIN_HTTP_TIMEOUT_MS: 2_000,
    ...overrides,
  };
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const testDb: TestDatabase = await createTestDatabase(loadConfig().DATABASE_URL);
  const config = testConfig(testDb.url, options.config);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(config.LOG_LEVEL, {}, sink);
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 4 });
  const api = await startApi(config, box, logger);
  const workers: RunningWorker[] = [];
  const spawnWorker = async () => {
    const w = await startWorker(config, box, logger);
    workers.push(w);
    return w;
  };
  const worker = options.worker === false ? undefined : await spawnWorker();
  const url = `http://127.0.0.1:${api.port}`;

  return {
    config,
    db,
    box,
    encryptionKey: key.toString('base64'),
    api,
    worker,
    url,
    logs,
    async tenant(plan = 'enterprise') {
      const t = await createTenant(db, `tenant-${randomBytes(3).toString('hex')}`, plan);
      return { tenantId: t.tenant_id, token: t.token };
    },
    async token(tenantId, scopes) {
      return (await createToken(db, tenantId, scopes)).token;
    },
    async request(method, path, token, body, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    startWorker: spawnWorker,
    async close() {
      try {
        // Bounded: a test's close must not wait for ever on a job stuck in a fault it injected.
        await Promise.all(workers.map((w) => w.close(15_000)));
        await api.close();
        await db.close();
        await testDb.drop();
      } finally {
        await dropQueueKeys(config);
      }
    },
  };
}

/** A producer on `config`'s queue store, for a test that adds or inspects jobs itself; its close closes the store too. */
export class TestProducer extends Producer {
  constructor(config: Config) {
    super(openQueueStore(queueStoreOptionsOf(config)));
  }

  override async close(): Promise<void> {
    await super.close();
    await this.store.close();
  }
}

/** Jobs of a queue waiting for a worker: on the plain wait list or prioritized (see FairShare). */
export async function queuedJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('wait', 'prioritized');
  return counts.wait! + counts.prioritized!;
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Removes the suite's own keys (its queue prefix) from the Redis it used, so a run leaves nothing
 * behind on a shared server. Best effort: a test's private Redis may already be gone, and a
 * cluster is private to its test.
 */
async function dropQueueKeys(config: Config): Promise<void> {
  if (config.REDIS_CLUSTER_NODES) return;
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.TOCSIN_QUEUE_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // unreachable or stopped: nothing to clean there
  } finally {
    redis.disconnect();
  }
}
