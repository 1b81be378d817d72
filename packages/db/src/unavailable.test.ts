import { randomUUID } from 'node:crypto';
import { loadConfig } from '@tocsin/config';
import { Database } from './client.js';
import { isDatabaseUnavailable } from './unavailable.js';

const role = loadConfig().TOCSIN_DB_ROLE;

test('an unreachable server is recognised, both for a query and for a tenant transaction', async () => {
  const db = new Database({ url: 'postgresql://postgres@127.0.0.1:1/nowhere', role });
  try {
    const query = await db.prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e);
    expect(isDatabaseUnavailable(query)).toBe(true);
    const tx = await db.withTenant(randomUUID(), (t) => t.tenant.count()).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(tx)).toBe(true);
  } finally {
    await db.close();
  }
});

test('a query error from a reachable server is not "unavailable"', async () => {
  const db = new Database({ url: loadConfig().DATABASE_URL.replace(/\/[^/]*$/, '/postgres'), role: 'pg_monitor' });
  try {
    const err = await db.prisma.$queryRaw`SELECT * FROM no_such_table`.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(err)).toBe(false);
  } finally {
    await db.close();
  }
});
