import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { Database } from '@tocsin/db';
import { createTestDatabase, recordSocketWrites, type TestDatabase } from '@tocsin/db/testing';
import { readPage } from './reader.js';

// A page's round trips, counted as writes to PostgreSQL's socket (pg writes a query as it is made,
// so each write that is not corked together with others is a round trip of its own).

const config = loadConfig();
let testDb: TestDatabase;
let db: Database;
const tenantId = randomUUID();

beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE, poolSize: 1 });
  await db.withTenant(tenantId, (tx) => tx.tenant.create({ data: { id: tenantId, name: 'reader', plan: 'enterprise' } }));
  const owner = new pg.Client({ connectionString: testDb.url });
  await owner.connect();
  await owner.query(
    `INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, detail, occurred_at)
     SELECT $1, gen_random_uuid(), 'custom.reader', 't', 'medium', false, '{}', now() FROM generate_series(1, 5)`,
    [tenantId],
  );
  await owner.end();
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

/** What `fn` writes to sockets, one string per system call. */
async function socketWrites(fn: () => Promise<unknown>): Promise<string[]> {
  const { writes, restore } = recordSocketWrites(net.Socket.prototype);
  try {
    await fn();
  } finally {
    restore();
  }
  return writes;
}

test("a page after a cursor is two writes: BEGIN with its settings and the barrier; then the page's SELECT with the COMMIT", async () => {
  const options = { settleMs: 10_000 };
  const first = await readPage(db, tenantId, { from: null, to: null }, 2, options);
  expect(first.records).toHaveLength(2);
  let page: Awaited<ReturnType<typeof readPage>> | undefined;
  const writes = await socketWrites(async () => (page = await readPage(db, tenantId, first.next!, 2, options)));
  expect(page!.records).toHaveLength(2);
  expect(writes).toHaveLength(2);
  expect(writes[0]).toMatch(/BEGIN;[^]*pg_snapshot_xmin/);
  expect(writes[1]).toMatch(/FROM audit_event[^]*COMMIT/);
});
