import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '@tocsin/config';
import { templateName, testRun } from '@tocsin/db/testing';

/**
 * Run by global-teardown.ts, with tsx (jest's global hooks cannot load the workspace's ESM).
 *
 * Tests leave nothing behind on the machine's shared PostgreSQL and Redis. The run's template
 * database is dropped here, as expected; anything else of this run that is still there (a
 * suite's database, a queue prefix's keys) is removed too, and the run fails naming it, since a
 * test that leaks on a passing run leaks on every run.
 */
async function removeLeftovers(): Promise<void> {
  const run = testRun();
  if (!run) return;
  const config = loadConfig();
  const adminUrl = new URL(config.DATABASE_URL);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const left: string[] = [];
  try {
    const template = await templateName();
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE strpos(datname, $1) > 0", [`_${run}`]);
    for (const { datname } of rows) {
      if (datname !== template) left.push(`database ${datname}`);
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const prefixes = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${run}_*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) prefixes.add(key.split(':')[0]!);
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    left.push(...[...prefixes].map((p) => `Redis keys ${p}:*`));
  } finally {
    redis.disconnect();
  }
  if (left.length > 0) throw new Error(`the tests left behind (now removed): ${left.join(', ')}`);
}

try {
  await removeLeftovers();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
