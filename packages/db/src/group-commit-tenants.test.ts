import { randomUUID } from 'node:crypto';
import { loadConfig } from '@tocsin/config';
import { Database, type SqlTx } from './client.js';
import { GroupCommit } from './group-commit.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const config = loadConfig();
let testDb: TestDatabase;
let db: Database;
const A = randomUUID();
const B = randomUUID();

beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE });
  for (const id of [A, B]) await db.withTenant(id, (tx) => tx.tenant.create({ data: { id, name: `t-${id}`, plan: 'enterprise' } }));
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

interface Probe {
  tenantId: string;
  /** Another tenant's id, to try to write a row for. */
  other: string;
}

interface Seen {
  txid: string;
  /** Tenants of every audit_event row this step could read, its own uncommitted ones included. */
  visible: string[];
  wroteOther: string;
}

/** Each tenant's step: write its own event, read everything it can, try to write as the other tenant. */
async function step(tx: SqlTx, tenantId: string, group: Probe[]): Promise<Seen[]> {
  const { rows: txRows } = await tx.query<{ txid: string }>('SELECT txid_current()::text AS txid');
  await tx.query(
    `INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at) VALUES ($1, $2, 'X', 'X', 'low', false, now())`,
    [tenantId, randomUUID()],
  );
  const { rows } = await tx.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id::text FROM audit_event');
  await tx.query('SAVEPOINT other');
  const wroteOther = await tx
    .query(`INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at) VALUES ($1, $2, 'X', 'X', 'low', false, now())`, [group[0]!.other, randomUUID()])
    .then(
      () => 'written',
      async (err: { message: string }) => {
        await tx.query('ROLLBACK TO SAVEPOINT other');
        return err.message;
      },
    );
  return group.map(() => ({ txid: txRows[0]!.txid, visible: rows.map((r) => r.tenant_id), wroteOther }));
}

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

test('two tenants sharing one group-commit transaction never see or write each other\'s rows, its uncommitted ones included', async () => {
  const first = deferred();
  let flushes = 0;
  const gc = new GroupCommit<Probe, Seen>(
    async (items) => {
      flushes += 1;
      if (flushes === 1) await first.gate; // holds the only lane while the next ones queue up together
      return db.perTenant(items, step);
    },
    { lanes: 1 },
  );
  const head = gc.submit({ tenantId: A, other: B });
  // Queued behind the head: one shared transaction, B's step first, then A's (perTenant keeps order).
  const shared = [gc.submit({ tenantId: B, other: A }), gc.submit({ tenantId: A, other: B })];
  first.release();
  await head; // A's row is committed now; B must not see it
  const [b, a] = await Promise.all(shared);

  expect(flushes).toBe(2);
  expect(a!.txid).toBe(b!.txid);
  expect(b!.visible).toEqual([B]);
  // A runs after B in the same transaction: B's row is there, uncommitted, and A must not see it.
  expect(a!.visible).toEqual([A]);
  expect(a!.wroteOther).toMatch(/row-level security/);
  expect(b!.wroteOther).toMatch(/row-level security/);

  // And what the shared transaction committed is each tenant's own: two rows for A, one for B.
  const count = (tenantId: string) => db.withTenant(tenantId, (tx) => tx.auditEvent.count());
  expect([await count(A), await count(B)]).toEqual([2, 1]);
});
