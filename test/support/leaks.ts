import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * Every key of a BullMQ prefix with its whole value, as text: job data is all Redis holds. Every
 * Redis type is read — BullMQ's event streams too, whose entries carry job data and failure
 * reasons — and a type this cannot read fails the dump rather than being skipped.
 */
export async function redisDump(redisUrl: string, prefix: string): Promise<Map<string, string>> {
  const redis = new Redis(redisUrl);
  try {
    const dump = new Map<string, string>();
    for (const key of await scanAll(redis, `${prefix}:*`)) {
      const type = await redis.type(key);
      const text =
        type === 'string' ? String(await redis.get(key))
        : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
        : type === 'list' ? JSON.stringify(await redis.lrange(key, '0', '-1'))
        : type === 'set' ? JSON.stringify(await redis.smembers(key))
        : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'))
        : type === 'stream' ? JSON.stringify(await redis.xrange(key, '-', '+'))
        : type === 'none' ? undefined // removed between SCAN and TYPE (a job finishing)
        : unreadable(key, type);
      if (text !== undefined) dump.set(key, text);
    }
    return dump;
  } finally {
    redis.disconnect();
  }
}

function unreadable(key: string, type: string): never {
  throw new Error(`redisDump cannot read key ${key} of type ${type}`);
}

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    for (const k of batch) keys.add(k);
    cursor = next;
  } while (cursor !== '0');
  return [...keys];
}

/**
 * Everything the queue store of `config` holds for it, as text per key (Redis) or per table
 * (PostgreSQL's `bullmq` schema, whose `event` table plays the part of Redis' event streams).
 */
export async function queueDump(config: { TOCSIN_QUEUE?: 'redis' | 'postgres'; REDIS_URL: string; TOCSIN_QUEUE_PREFIX: string; DATABASE_URL: string }): Promise<Map<string, string>> {
  if (config.TOCSIN_QUEUE !== 'postgres') return redisDump(config.REDIS_URL, config.TOCSIN_QUEUE_PREFIX);
  const owner = new pg.Client({ connectionString: config.DATABASE_URL });
  await owner.connect();
  try {
    const dump = new Map<string, string>();
    const { rows: tables } = await owner.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'bullmq'");
    for (const { name } of tables) {
      const { rows } = await owner.query<{ row: string }>(`SELECT t::text AS row FROM bullmq."${name}" t`);
      if (rows.length > 0) dump.set(`bullmq.${name}`, rows.map((r) => r.row).join('\n'));
    }
    return dump;
  } finally {
    await owner.end();
  }
}

/** Every row of every table, as the database owner sees it (no RLS), as text per table. */
export async function databaseDump(databaseUrl: string): Promise<Map<string, string>> {
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    const dump = new Map<string, string>();
    for (const table of ['tenant', 'api_token', 'event_sink', 'audit_event', 'delivery', 'delivery_attempt']) {
      const { rows } = await owner.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
      dump.set(table, rows.map((r) => r.row).join('\n'));
    }
    return dump;
  } finally {
    await owner.end();
  }
}
