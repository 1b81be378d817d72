import pg from 'pg';
import { Redis } from 'ioredis';

/** Every key of a BullMQ prefix with its value, as text: job data is all Redis holds. */
export async function redisDump(redisUrl: string, prefix: string): Promise<Map<string, string>> {
  const redis = new Redis(redisUrl);
  try {
    const dump = new Map<string, string>();
    for (const key of await redis.keys(`${prefix}:*`)) {
      const type = await redis.type(key);
      const text =
        type === 'hash' ? JSON.stringify(await redis.hgetall(key))
        : type === 'list' ? JSON.stringify(await redis.lrange(key, '0', '-1'))
        : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1'))
        : type === 'string' ? String(await redis.get(key))
        : type === 'set' ? JSON.stringify(await redis.smembers(key))
        : '';
      dump.set(key, text);
    }
    return dump;
  } finally {
    redis.disconnect();
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
