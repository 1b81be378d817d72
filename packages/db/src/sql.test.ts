import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { committing, Database, pipelined, setTenantSql } from './client.js';
import { createTestDatabase, recordSocketWrites, type TestDatabase } from './testing.js';

// Database.sql sends BEGIN (with its opening and the tenant) and the first statement together.

const config = loadConfig();
let testDb: TestDatabase;
let db: Database;
beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE, poolSize: 1 });
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

test('the first statement runs inside the transaction, with the opening and the tenant already set', async () => {
  const tenantId = randomUUID();
  const row = await db.sql(
    async (tx) => (await tx.query("SELECT current_setting('tocsin.tenant_id') AS tenant, current_setting('statement_timeout') AS timeout")).rows[0],
    tenantId,
    'SET LOCAL statement_timeout = 4321;',
  );
  // SET LOCAL outside a transaction block has no effect: seen here, it ran in this one.
  expect(row).toEqual({ tenant: tenantId, timeout: '4321ms' });
  // SET LOCAL and set_config(…, true) ended with it: the pooled connection carries neither.
  expect((await db.sql(async (tx) => (await tx.query("SELECT current_setting('tocsin.tenant_id', true) AS tenant, current_setting('statement_timeout') AS timeout")).rows[0]))).toEqual({
    tenant: '',
    timeout: '0',
  });
});

test('a failed opening is the error thrown, not the aborted transaction of the statements after it', async () => {
  await expect(db.sql((tx) => tx.query('SELECT 1'), undefined, 'SET LOCAL statement_timeout = bogus;')).rejects.toMatchObject({ code: '22023' });
  // With no statement in fn, nothing is committed quietly either.
  await expect(db.sql(async () => 'done', undefined, 'SET LOCAL statement_timeout = bogus;')).rejects.toMatchObject({ code: '22023' });
  // The connection is clean again afterwards.
  expect((await db.sql((tx) => tx.query('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
});

test('a failed statement rolls back what the transaction wrote before it', async () => {
  const marker = randomUUID();
  await expect(
    db.sql(async (tx) => {
      await tx.query(`CREATE TEMP TABLE IF NOT EXISTS probe (v text)`);
      await tx.query('INSERT INTO probe VALUES ($1)', [marker]);
      await tx.query('SELECT 1/0');
    }),
  ).rejects.toMatchObject({ code: '22012' });
  // The pool has one connection, so the temp table (had it survived) would be visible here.
  expect((await db.sql((tx) => tx.query("SELECT to_regclass('pg_temp.probe') AS t"))).rows).toEqual([{ t: null }]);
});

/** What a pooled client writes to its socket, one string per system call. */
function recordWrites(client: pg.PoolClient): string[] {
  return recordSocketWrites((client as unknown as { connection: { stream: Writable } }).connection.stream).writes;
}

/** Runs `fn` on a client of a pool of its own, in pipeline mode as Database's, with its writes recorded. */
async function onOwnClient(fn: (client: pg.PoolClient, writes: string[]) => Promise<void>): Promise<void> {
  const pool = new pg.Pool({ connectionString: testDb.url, max: 1, pipeline: true } as pg.PoolConfig);
  const client = await pool.connect();
  try {
    await fn(client, recordWrites(client));
  } finally {
    client.release();
    await pool.end();
  }
}

test('BEGIN, the tenant and the first statement leave in one write to the socket, the COMMIT in the next', () =>
  onOwnClient(async (client, writes) => {
    const tenantId = randomUUID();
    const row = await pipelined(client, `BEGIN; ${setTenantSql(client, tenantId)}`, async () => (await client.query("SELECT current_setting('tocsin.tenant_id') AS tenant, $1::int AS n", [7])).rows[0]);
    await client.query('COMMIT');

    expect(row).toEqual({ tenant: tenantId, n: 7 });
    expect(writes).toHaveLength(2);
    expect(writes[0]).toContain('BEGIN;');
    expect(writes[0]).toContain('$1::int AS n');
    expect(writes[1]).toContain('COMMIT');
  }));

describe('committing: the last statement with COMMIT behind it', () => {
  const probe = 'CREATE TABLE IF NOT EXISTS committed_probe (v text)';
  const probed = async (marker: string) => (await db.sql((tx) => tx.query('SELECT count(*)::int AS n FROM committed_probe WHERE v = $1', [marker]))).rows[0].n;
  beforeAll(async () => {
    const owner = new pg.Client({ connectionString: testDb.url });
    await owner.connect();
    await owner.query(probe);
    await owner.query(`GRANT SELECT, INSERT ON committed_probe TO ${config.TOCSIN_DB_ROLE}`);
    await owner.end();
  });

  test('BEGIN, the statement and COMMIT leave in one write, and what it wrote is committed', () =>
    onOwnClient(async (client, writes) => {
      const marker = randomUUID();
      const result = await pipelined(client, `BEGIN; ${setTenantSql(client, randomUUID())}`, () => committing(client, { text: 'INSERT INTO committed_probe VALUES ($1) RETURNING v', values: [marker] }));
      expect(result.rows).toEqual([{ v: marker }]);
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/BEGIN;[^]*INSERT INTO committed_probe[^]*COMMIT/);
      // The transaction is over: its local setting is gone, and the row is seen by another connection.
      expect((await client.query("SELECT current_setting('tocsin.tenant_id', true) AS tenant")).rows).toEqual([{ tenant: '' }]);
      expect(await probed(marker)).toBe(1);
    }));

  test('in Database.sql, no COMMIT of its own follows', async () => {
    const notices: string[] = [];
    const marker = randomUUID();
    await db.sql(async (tx) => {
      // PostgreSQL warns of a COMMIT or ROLLBACK sent outside a transaction.
      tx.on('notice', (n) => notices.push(n.message ?? ''));
      await tx.query('INSERT INTO committed_probe VALUES ($1)', [`${marker}-before`]);
      return committing(tx, { text: 'INSERT INTO committed_probe VALUES ($1)', values: [marker] });
    });
    expect(await probed(marker)).toBe(1);
    expect(await probed(`${marker}-before`)).toBe(1);
    expect(notices).toEqual([]);
  });

  test('a failed statement is the error thrown, and nothing the transaction wrote is kept', async () => {
    const marker = randomUUID();
    await expect(
      db.sql(async (tx) => {
        await tx.query('INSERT INTO committed_probe VALUES ($1)', [marker]);
        return committing(tx, { text: 'SELECT 1/0' });
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await probed(marker)).toBe(0);
    // The pool's one connection is clean again afterwards.
    expect((await db.sql((tx) => tx.query('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
  });

  test('a transaction aborted before the statement is not taken for committed', async () => {
    const marker = randomUUID();
    await expect(
      db.sql(async (tx) => {
        await tx.query('INSERT INTO committed_probe VALUES ($1)', [marker]);
        await tx.query('SELECT 1/0').catch(() => undefined); // aborts the transaction; the caller goes on regardless
        return committing(tx, { text: 'SELECT 1' });
      }),
    ).rejects.toMatchObject({ code: '25P02' });
    expect(await probed(marker)).toBe(0);
  });
});
