import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate, withDatabase } from './migrate.js';

/** Test helper: an own, migrated database per suite, cloned from a template migrated once. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function migrationsHash(): Promise<string> {
  const h = createHash('sha256');
  for (const name of (await readdir(MIGRATIONS_DIR)).sort()) {
    if (name.endsWith('.toml')) continue;
    h.update(name).update(await readFile(`${MIGRATIONS_DIR}/${name}/migration.sql`));
  }
  return h.digest('hex').slice(0, 12);
}

const TEMPLATE_LOCK = 72707370;

export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  const template = `tocsin_tpl_${await migrationsHash()}`;
  const name = `tocsin_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${template}_tmp"`).catch(async () => {
        await admin.query(`DROP DATABASE IF EXISTS "${template}_tmp"`);
        await admin.query(`CREATE DATABASE "${template}_tmp"`);
      });
      await migrate(withDatabase(baseUrl, `${template}_tmp`));
      await admin.query(`ALTER DATABASE "${template}_tmp" RENAME TO "${template}"`);
    }
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
  return {
    name,
    url: withDatabase(baseUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
