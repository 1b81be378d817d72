import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { createTestDatabase, type TestDatabase } from '@tocsin/db/testing';

/**
 * The metrics' cross-tenant reads (prisma/migrations/20261206000001_metrics): for the app role,
 * with no tenant set, they see every tenant's rows but return aggregates per channel only, and
 * the owner they run as can read four columns of event_sink, not its config, name or tenant.
 */
const config = loadConfig();
let testDb: TestDatabase;
let owner: pg.Client;
let app: pg.Client;
const A = randomUUID();
const B = randomUUID();
const event = { [A]: randomUUID(), [B]: randomUUID() };

async function sink(tenant: string, channel: string, enabled: boolean, reason: string | null, deleted = false): Promise<string> {
  const id = randomUUID();
  await owner.query(
    `INSERT INTO event_sink (id, tenant_id, channel, name, config, events, min_severity, enabled, disabled_reason, deleted_at)
     VALUES ($1, $2, $3, 'private name', '{"secret":"v1.x.y.z.w"}', '{*}', 'low', $4, $5, ${deleted ? 'now()' : 'NULL'})`,
    [id, tenant, channel, enabled, reason],
  );
  return id;
}

async function delivery(tenant: string, sinkId: string, channel: string, state: string, createdAgo: string, dueIn: string): Promise<void> {
  await owner.query(
    `INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, state, created_at, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() - $7::interval, now() + $8::interval)`,
    [randomUUID(), tenant, event[tenant], sinkId, channel, state, createdAgo, dueIn],
  );
}

beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  owner = new pg.Client({ connectionString: testDb.url });
  await owner.connect();
  await owner.query(`INSERT INTO tenant (id, name, plan) VALUES ($1, 'a', 'team'), ($2, 'b', 'team')`, [A, B]);
  for (const t of [A, B]) {
    await owner.query(`INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at) VALUES ($1, $2, 'X', 'X', 'low', false, now())`, [t, event[t]]);
  }
  app = new pg.Client({ connectionString: testDb.url, options: `-c role=${config.TOCSIN_DB_ROLE}` });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await owner?.end();
  await testDb?.drop();
});

test('an empty system: no backlog, no lag, no circuits', async () => {
  expect((await app.query('SELECT * FROM tocsin_metrics_deliveries()')).rows).toEqual([]);
  expect((await app.query('SELECT tocsin_metrics_relay_lag() AS lag')).rows).toEqual([{ lag: 0 }]);
  expect((await app.query('SELECT * FROM tocsin_metrics_circuits()')).rows).toEqual([]);
});

test("every tenant's undelivered rows count, per channel; finished and held ones do not; no ids come back", async () => {
  const a = await sink(A, 'webhook', true, null);
  const b = await sink(B, 'webhook', true, null);
  const s = await sink(B, 'slack', true, null);
  await delivery(A, a, 'webhook', 'pending', '10 minutes', '1 minute');
  await delivery(B, b, 'webhook', 'retrying', '1 hour', '-90 seconds'); // overdue by 90 s
  await delivery(B, b, 'webhook', 'in_flight', '5 minutes', '1 minute');
  await delivery(B, s, 'slack', 'pending', '2 minutes', '-10 seconds');
  for (const state of ['delivered', 'failed', 'skipped', 'held']) await delivery(A, a, 'webhook', state, '3 days', '-3 days');
  const { rows, fields } = await app.query('SELECT * FROM tocsin_metrics_deliveries() ORDER BY channel');
  expect(fields.map((f) => f.name)).toEqual(['channel', 'undelivered', 'oldest_seconds']);
  expect(rows.map((r) => [r.channel, Number(r.undelivered), Math.round(r.oldest_seconds / 60)])).toEqual([
    ['slack', 1, 2],
    ['webhook', 3, 60],
  ]);
  const lag = (await app.query('SELECT tocsin_metrics_relay_lag() AS lag')).rows[0].lag as number;
  expect(lag).toBeGreaterThanOrEqual(89);
  expect(lag).toBeLessThan(120);
});

test('open circuits: circuit_open and gone per channel, not other disabled reasons or deleted sinks', async () => {
  await sink(A, 'webhook', false, 'circuit_open');
  await sink(B, 'webhook', false, 'circuit_open');
  await sink(B, 'teams', false, 'gone');
  await sink(A, 'webhook', false, 'disabled_by_admin');
  await sink(A, 'webhook', false, 'plan_downgraded');
  await sink(B, 'webhook', false, 'gone', true);
  const { rows, fields } = await app.query('SELECT * FROM tocsin_metrics_circuits() ORDER BY channel, reason');
  expect(fields.map((f) => f.name)).toEqual(['channel', 'reason', 'sinks']);
  expect(rows.map((r) => [r.channel, r.reason, Number(r.sinks)])).toEqual([
    ['teams', 'gone', 1],
    ['webhook', 'circuit_open', 2],
  ]);
});

test('the owner may read four columns of event_sink and nothing else of it; the app role still sees no row directly', async () => {
  const { rows } = await owner.query(
    `SELECT c AS column, has_column_privilege('tocsin_system', 'event_sink', c, 'SELECT') AS sel FROM unnest(ARRAY['channel', 'enabled', 'disabled_reason', 'deleted_at', 'config', 'name', 'tenant_id', 'id']) AS c`,
  );
  expect(Object.fromEntries(rows.map((r) => [r.column, r.sel]))).toEqual({ channel: true, enabled: true, disabled_reason: true, deleted_at: true, config: false, name: false, tenant_id: false, id: false });
  expect((await app.query('SELECT count(*)::int AS n FROM event_sink')).rows).toEqual([{ n: 0 }]);
  expect((await app.query('SELECT count(*)::int AS n FROM delivery')).rows).toEqual([{ n: 0 }]);
});
