import pg from 'pg';
import { resolveQueueKind, type Config } from '@tocsin/config';
import { fail, ok, reasonOf, type CheckResult } from './check.js';
import { redisChecks } from './redis.js';

/** Which queue store runs (as `tocsin start` would decide it), then that store's own checks. */
export async function queueChecks(config: Config): Promise<CheckResult[]> {
  const { kind, reason } = await resolveQueueKind(config);
  if (kind === 'redis') return [ok(`queue store: Redis (${reason})`), ...(await redisChecks(config))];
  const client = new pg.Client({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: number }>('SELECT COALESCE(MAX(version), 0)::int AS version FROM bullmq.migration');
    return [ok(`queue store: PostgreSQL, schema bullmq at version ${rows[0]!.version} in the database (${reason})`)];
  } catch (err) {
    return [fail(`queue store: PostgreSQL (${reason}), but its schema bullmq is not readable: ${reasonOf(err)}; \`tocsin migrate\` with TOCSIN_QUEUE=postgres (or \`tocsin start\`) creates it`)];
  } finally {
    await client.end().catch(() => undefined);
  }
}
