import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { MIGRATIONS_DIR, migrate, withDatabase } from './migrate.js';
import { testName } from './testing.js';

/**
 * `tocsin migrate` runs at every deployment, often from several replicas at once. Two runs on one
 * database must serialise on the lock: both succeed, each migration is applied exactly once.
 */
const base = loadConfig().DATABASE_URL;
const created: string[] = [];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: withDatabase(base, 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A database name of this test only, dropped in afterAll. */
function freshName(): string {
  const name = `tocsin_${testName('migrate')}`;
  created.push(name);
  return name;
}

afterAll(async () => {
  await admin(async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

async function migrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

async function recorded(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name');
    return rows.map((r) => r.migration_name);
  } finally {
    await c.end();
  }
}

/** The two runs together applied every migration once: one did all the work, the other none. */
async function expectAppliedOnce(url: string, runs: string[][]): Promise<void> {
  const names = await migrationNames();
  expect(names.length).toBeGreaterThan(0);
  expect(runs.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, names.length]);
  expect(runs.flat()).toEqual(names);
  expect(await recorded(url)).toEqual(names);
  // The schema is really there (not just recorded): the relay's function exists and answers.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT count(*)::int AS n FROM tocsin_claim_due_deliveries(10, interval \'1 second\')');
    expect(rows).toEqual([{ n: 0 }]);
  } finally {
    await c.end();
  }
}

test('two concurrent runs on an existing empty database both succeed and apply the schema once', async () => {
  const name = freshName();
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(base, name);
  const runs = await Promise.all([migrate(url), migrate(url)]);
  await expectAppliedOnce(url, runs);
});

// Two concurrent CREATE DATABASE of one name: the loser fails with 42P04 or, when both pass the
// existence check, 23505 (unique_violation on pg_database_datname_index); either means it exists.
test('two concurrent runs on a database that does not exist yet both succeed and apply the schema once', async () => {
  const name = freshName();
  const url = withDatabase(base, name);
  const runs = await Promise.all([migrate(url), migrate(url)]);
  await expectAppliedOnce(url, runs);
});

test('a run after the concurrent ones has nothing to do', async () => {
  const name = freshName();
  const url = withDatabase(base, name);
  expect(await migrate(url)).toEqual(await migrationNames());
  expect(await migrate(url)).toEqual([]);
});
