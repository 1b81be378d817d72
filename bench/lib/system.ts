import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createTenant } from '@tocsin/api';
import { Database } from '@tocsin/db';
import { createTestDatabase } from '@tocsin/db/testing';
import { loadConfig } from '@tocsin/config';

/** A fresh database, queue prefix and tenant for one benchmark, and the env to run tocsin with, its queues on `queue`. */
export async function benchSystem(queue: 'redis' | 'postgres' = 'redis') {
  const base = loadConfig();
  const testDb = await createTestDatabase(base.DATABASE_URL);
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const db = new Database({ url: testDb.url, role: base.TOCSIN_DB_ROLE, poolSize: 2 });
  const { tenant_id: tenantId, token } = await createTenant(db, 'bench', 'enterprise');
  const env: Record<string, string | undefined> = {
    DATABASE_URL: testDb.url,
    REDIS_URL: base.REDIS_URL,
    TOCSIN_QUEUE: queue,
    TOCSIN_QUEUE_PREFIX: prefix,
    TOCSIN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TOCSIN_EGRESS_ALLOW: '127.0.0.0/8',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  };
  const owner = new pg.Client({ connectionString: testDb.url });
  await owner.connect();
  return {
    env,
    db,
    tenantId,
    token,
    url: testDb.url,
    async count(sql: string): Promise<number> {
      return Number((await owner.query(sql)).rows[0].count);
    },
    owner,
    /** Creates a sink through the api on `apiPort` (it seals the config) and returns its id. */
    async sink(apiPort: number, sinkArgs: Record<string, unknown>, events?: string[]): Promise<string> {
      const res = await fetch(`http://127.0.0.1:${apiPort}/v1/event_sink`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench', event_sink_args: sinkArgs, ...(events && { events }) }),
      });
      if (res.status !== 201) throw new Error(`sink: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { event_sink: { id: string } }).event_sink.id;
    },
    async close() {
      await owner.end();
      await db.close();
      const redis = new Redis(base.REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      // In slices: a batch run leaves hundreds of thousands of job keys, too many for one call's arguments.
      for (let i = 0; i < keys.length; i += 10_000) await redis.unlink(...keys.slice(i, i + 10_000));
      redis.disconnect();
      await testDb.drop();
    },
  };
}
