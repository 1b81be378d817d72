import { loadConfig } from '@tocsin/config';
import { Database } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const config = loadConfig();
let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
});
afterAll(async () => {
  await testDb?.drop();
});

test('close ends an idle pool at once and says so', async () => {
  const db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE, poolSize: 2 });
  await db.sql((tx) => tx.query('SELECT 1'));
  expect(await db.close(5_000)).toBe(true);
});

test('close does not wait for ever on a client that is never given back', async () => {
  const db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE, poolSize: 2 });
  let checkedOut!: () => void;
  const holding = new Promise<void>((resolve) => (checkedOut = resolve));
  // A transaction whose work never settles keeps its client checked out, as a query lost in an outage would.
  void db.sql(async (tx) => {
    await tx.query('SELECT 1');
    checkedOut();
    await new Promise(() => undefined);
  });
  await holding;
  const started = Date.now();
  expect(await db.close(300)).toBe(false);
  expect(Date.now() - started).toBeLessThan(5_000);
});
