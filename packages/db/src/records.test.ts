import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { Database } from './client.js';
import { AUDIT_EVENT_COLUMNS, RECORD_JSON_TYPES, eventRecordJson, isoTimestamp, toEventRecord, type AuditEventRow, type AuditEventTextRow } from './records.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

// eventRecordJson is the Events API's copy of JSON.stringify(toEventRecord(row)): both read here
// from the same rows of a real database, with the values most likely to tell them apart.

const config = loadConfig();
let testDb: TestDatabase;
let owner: pg.Client;
const tenantId = randomUUID();

const ROWS: { action: string; title: string; category: string | null; level: string | null; actor: unknown; resource: unknown; ip: string | null; detail: unknown; occurred: string }[] = [
  { action: 'JIT_APPROVED', title: 'Just-in-time access approved', category: 'access', level: 'WARN', actor: { id: 'u1', type: 'user', name: 'Ada' }, resource: { id: 'r1', type: 'server', name: 'db-1' }, ip: '192.0.2.1', detail: { n: 1, ticket: 'SEC-1' }, occurred: '2026-12-03 18:11:36.123456+00' },
  { action: 'custom."quoted"\\back', title: 'line\nbreak\ttab \u2028 ünïcødé 🚨 </script>', category: null, level: null, actor: null, resource: null, ip: null, detail: {}, occurred: '2026-12-03 18:11:36+00' },
  { action: 'custom.nested', title: 't', category: null, level: null, actor: { id: 'ü"', type: 'service' }, resource: null, ip: '2001:db8::1', detail: { a: [1, 2.5, -3e-7, true, null, { b: 'c\u0001' }], '': 'empty key', long_key_name: { x: {} } }, occurred: '1960-01-01 12:00:00.999999+00' },
  { action: 'custom.early', title: 't', category: null, level: null, actor: null, resource: null, ip: null, detail: {}, occurred: '0001-01-01 00:00:00.001+00' },
  { action: 'custom.far', title: 't', category: null, level: null, actor: null, resource: null, ip: null, detail: { big: 12345678901234567890 }, occurred: '12000-06-01 00:00:00.5+00' },
  { action: 'custom.bc', title: 't', category: null, level: null, actor: null, resource: null, ip: null, detail: {}, occurred: '0044-03-15 12:00:00+00 BC' },
];

beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  const db = new Database({ url: testDb.url, role: config.TOCSIN_DB_ROLE });
  await db.withTenant(tenantId, (tx) => tx.tenant.create({ data: { id: tenantId, name: 'records', plan: 'enterprise' } }));
  await db.close();
  owner = new pg.Client({ connectionString: testDb.url });
  await owner.connect();
  for (const r of ROWS) {
    await owner.query(
      `INSERT INTO audit_event (tenant_id, id, action, title, category, severity, level, catalog, actor, resource, source_ip, detail, occurred_at)
       VALUES ($1, $2, $3, $4, $5, 'medium', $6, false, $7, $8, $9, $10, $11)`,
      [tenantId, randomUUID(), r.action, r.title, r.category, r.level, r.actor && JSON.stringify(r.actor), r.resource && JSON.stringify(r.resource), r.ip, r.detail && JSON.stringify(r.detail), r.occurred],
    );
  }
});

afterAll(async () => {
  await owner?.end();
  await testDb?.drop();
});

const select = `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event WHERE tenant_id = $1 ORDER BY seq`;

async function bothWays(): Promise<{ json: string[]; records: string[] }> {
  const parsed = (await owner.query<AuditEventRow>(select, [tenantId])).rows;
  const text = (await owner.query<AuditEventTextRow>({ text: select, values: [tenantId], types: RECORD_JSON_TYPES })).rows;
  return { json: text.map(eventRecordJson), records: parsed.map((r) => JSON.stringify(toEventRecord(r))) };
}

test.each(['UTC', 'America/St_Johns'])('with TimeZone %s, each record is the JSON of toEventRecord: same fields, order and values', async (zone) => {
  await owner.query(`SET TimeZone = '${zone}'`);
  const { json, records } = await bothWays();
  expect(json).toHaveLength(ROWS.length);
  // Re-serialized, the jsonb columns lose PostgreSQL's spacing and the two must be equal byte for byte.
  expect(json.map((j) => JSON.stringify(JSON.parse(j)))).toEqual(records);
});

test('isoTimestamp writes what Date#toISOString writes, on the fast path and off it', () => {
  expect(isoTimestamp('2026-12-03 18:11:36.123456+00')).toBe('2026-12-03T18:11:36.123Z');
  expect(isoTimestamp('2026-12-03 18:11:36.1+00')).toBe('2026-12-03T18:11:36.100Z');
  expect(isoTimestamp('2026-12-03 18:11:36+00')).toBe('2026-12-03T18:11:36.000Z');
  expect(isoTimestamp('2026-12-03 14:41:36.5-03:30')).toBe('2026-12-03T18:11:36.500Z');
  expect(isoTimestamp('12000-06-01 00:00:00.5+00')).toBe(new Date(Date.UTC(12000, 5, 1, 0, 0, 0, 500)).toISOString());
});
