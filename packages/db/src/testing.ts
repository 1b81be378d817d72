import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
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

/**
 * The id of this test run, set by jest's global setup (test/global-setup.ts). Everything a test
 * creates on the machine's shared PostgreSQL and Redis carries it in its name, so the run's
 * teardown can find what a test left behind, remove it and fail the run. Outside jest (the
 * benchmarks) there is none.
 */
export function testRun(): string | undefined {
  return process.env.TOCSIN_TEST_RUN;
}

/** A fresh name for a database, Redis key prefix or channel: `<run>_<label><random>` (or `<label><random>` outside a run). */
export function testName(label: string): string {
  const run = testRun();
  return `${run ? `${run}_` : ''}${label}${randomBytes(5).toString('hex')}`;
}

/**
 * The migrated database every test database is cloned from: one per test run, dropped by its
 * teardown; outside a run, one per migration set, kept for the next benchmark.
 */
export async function templateName(): Promise<string> {
  const run = testRun();
  return `tocsin_tpl_${run ?? await migrationsHash()}`;
}

export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  const template = await templateName();
  const name = `tocsin_${testName('test')}`;
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

type WriteTarget = Pick<Writable, '_write'> & { _writev?: Writable['_writev'] };

/**
 * Records what is written through `target`, one string per system call (several buffers corked
 * together leave in one writev): a socket, or `net.Socket.prototype` for every socket at once.
 * `restore` puts the target's own methods back.
 */
export function recordSocketWrites(target: WriteTarget): { writes: string[]; restore(): void } {
  const writes: string[] = [];
  const { _write: write, _writev: writev } = target;
  target._write = function (this: Writable, chunk, encoding, cb) {
    writes.push(Buffer.from(chunk).toString('latin1'));
    return write.call(this, chunk, encoding, cb);
  };
  target._writev = function (this: Writable, chunks, cb) {
    writes.push(chunks.map((c) => Buffer.from(c.chunk).toString('latin1')).join(''));
    return writev!.call(this, chunks, cb);
  };
  return { writes, restore: () => Object.assign(target, { _write: write, _writev: writev }) };
}
