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
  await db.withTenant(A, async (tx) => tx.auditEvent.count());
  const rows = await db.prisma.$queryRaw<{ t: string | null }[]>`SELECT current_setting('tocsin.tenant_id', true) AS t`;
  expect(rows[0]?.t ?? '').toBe('');
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
