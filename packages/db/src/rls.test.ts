import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { Database } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const config = loadConfig();
let testDb: TestDatabase;
let db: Database;
const A = randomUUID();
const B = randomUUID();
const eventOfB = randomUUID();

async function seedTenant(tenantId: string, eventId: string): Promise<void> {
  await db.withTenant(tenantId, async (tx) => {
    await tx.tenant.create({ data: { id: tenantId, name: `t-${tenantId}`, plan: 'enterprise' } });
    await tx.auditEvent.create({
      data: { tenantId, id: eventId, action: 'X', title: 'X', severity: 'low', catalog: false, occurredAt: new Date() },
    });
  });
}

beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE });
  await seedTenant(A, randomUUID());
  await seedTenant(B, eventOfB);
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

test('with no tenant set, queries see no rows', async () => {
  expect(await db.prisma.tenant.count()).toBe(0);
  expect(await db.prisma.auditEvent.count()).toBe(0);
});

test("tenant A cannot read B's rows, even by id", async () => {
  const seen = await db.withTenant(A, (tx) => tx.auditEvent.findMany({ where: { id: eventOfB } }));
  expect(seen).toEqual([]);
  const own = await db.withTenant(B, (tx) => tx.auditEvent.findMany({ where: { id: eventOfB } }));
  expect(own).toHaveLength(1);
});

test("tenant A cannot write rows into B's tenant", async () => {
  await expect(
    db.withTenant(A, (tx) =>
      tx.auditEvent.create({
        data: { tenantId: B, id: randomUUID(), action: 'X', title: 'X', severity: 'low', catalog: false, occurredAt: new Date() },
      }),
    ),
  ).rejects.toThrow(/row-level security|violates/i);
});

test('the tenant setting does not outlive its transaction on a pooled connection', async () => {
  // One connection, so the read after the transaction is sure to run where the setting was made.
  const single = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE, poolSize: 1 });
  try {
    const inside = await single.withTenant(A, (tx) => tx.$queryRaw<{ t: string | null; pid: number }[]>`SELECT current_setting('tocsin.tenant_id', true) AS t, pg_backend_pid() AS pid`);
    expect(inside).toEqual([{ t: A, pid: expect.any(Number) }]);
    const after = await single.prisma.$queryRaw<{ t: string | null; pid: number }[]>`SELECT current_setting('tocsin.tenant_id', true) AS t, pg_backend_pid() AS pid`;
    expect(after).toHaveLength(1);
    expect(after[0]!.pid).toBe(inside[0]!.pid);
    // Reset at commit: empty (the setting is known to the session now) — never A.
    expect([null, '']).toContain(after[0]!.t);
    expect(await single.prisma.auditEvent.count()).toBe(0);
  } finally {
    await single.close();
  }
});

test('the application role cannot bypass or switch off row-level security', async () => {
  const client = new pg.Client({ connectionString: testDb.url, options: `-c role=${config.TOCSIN_DB_ROLE}` });
  await client.connect();
  try {
    const role = await client.query('SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user');
    expect(role.rows[0]).toEqual({ rolbypassrls: false, rolsuper: false });
    await expect(client.query('ALTER TABLE audit_event DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/owner/);
    await client.query('SET row_security = off');
    await expect(client.query('SELECT count(*) FROM audit_event')).rejects.toThrow(/row-level security/);
  } finally {
    await client.end();
  }
});

test('every tenant-owned table has row-level security enabled and forced', async () => {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  try {
    // Every table with a tenant_id column, found rather than listed, so a new table cannot be missed.
    const { rows } = await client.query(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (c.relname = 'tenant' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
        ORDER BY c.relname`,
    );
    expect(rows.map((r) => r.relname)).toEqual(expect.arrayContaining(['api_token', 'audit_event', 'delivery', 'delivery_attempt', 'event_sink', 'sink_test', 'tenant']));
    for (const r of rows) expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  } finally {
    await client.end();
  }
});
