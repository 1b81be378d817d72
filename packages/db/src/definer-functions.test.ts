import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '@tocsin/config';
import { createTestDatabase, type TestDatabase } from './testing.js';

/**
 * The cross-tenant paths are SECURITY DEFINER functions owned by tocsin_system. Each must do its
 * one narrow job for the app role (tocsin_app) and nothing more: no other columns, no rows it
 * should not touch, no way to become the owner, whatever the arguments.
 */
const config = loadConfig();
let testDb: TestDatabase;
let owner: pg.Client;
let app: pg.Client;

const A = randomUUID();
const B = randomUUID();
const hashOf = (token: string) => createHash('sha256').update(token).digest();
const tokenA = { id: randomUUID(), hash: hashOf('tct_a-live') };
const revokedA = { id: randomUUID(), hash: hashOf('tct_a-revoked') };
const tokenB = { id: randomUUID(), hash: hashOf('tct_b-live') };
const sinkB = randomUUID();
const eventB = randomUUID();
/** Deliveries of tenant B by what the relay must do with them. */
const due = { pending: randomUUID(), retrying: randomUUID(), expiredInFlight: randomUUID() };
const notDue = { future: randomUUID(), liveInFlight: randomUUID(), delivered: randomUUID(), failed: randomUUID(), skipped: randomUUID() };

beforeAll(async () => {
  testDb = await createTestDatabase(config.DATABASE_URL);
  owner = new pg.Client({ connectionString: testDb.url });
  await owner.connect();
  // Seeded as the database owner (a superuser: no row-level security).
  await owner.query(`INSERT INTO tenant (id, name, plan) VALUES ($1, 'tenant a', 'team'), ($2, 'tenant b', 'enterprise')`, [A, B]);
  await owner.query(
    `INSERT INTO api_token (id, tenant_id, name, prefix, token_hash, scopes, revoked_at) VALUES
       ($1, $2, 'a', 'tct_a', $3, '{admin}', NULL), ($4, $2, 'a old', 'tct_a', $5, '{admin}', now()), ($6, $7, 'b', 'tct_b', $8, '{events:read}', NULL)`,
    [tokenA.id, A, tokenA.hash, revokedA.id, revokedA.hash, tokenB.id, B, tokenB.hash],
  );
  await owner.query(`INSERT INTO event_sink (id, tenant_id, channel, name, config, events, min_severity) VALUES ($1, $2, 'webhook', 's', '{"secret":"v1.x.y.z.w"}', '{*}', 'low')`, [sinkB, B]);
  await owner.query(`INSERT INTO audit_event (tenant_id, id, action, title, severity, catalog, occurred_at, detail) VALUES ($1, $2, 'X', 'X', 'low', false, now(), '{"private":"detail"}')`, [B, eventB]);
  const rows: [string, string, string][] = [
    [due.pending, 'pending', `now() - interval '1 minute'`],
    [due.retrying, 'retrying', `now() - interval '1 minute'`],
    [due.expiredInFlight, 'in_flight', `now() - interval '1 minute'`],
    [notDue.future, 'pending', `now() + interval '1 hour'`],
    [notDue.liveInFlight, 'in_flight', `now() + interval '1 hour'`],
    [notDue.delivered, 'delivered', `now() - interval '1 minute'`],
    [notDue.failed, 'failed', `now() - interval '1 minute'`],
    [notDue.skipped, 'skipped', `now() - interval '1 minute'`],
  ];
  for (const [id, state, at] of rows) {
    await owner.query(
      `INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, state, attempts, next_attempt_at, updated_at, last_error)
       VALUES ($1, $2, $3, $4, 'webhook', $5, 1, ${at}, now() - interval '1 hour', 'boom')`,
      [id, B, eventB, sinkB, state],
    );
  }
  app = new pg.Client({ connectionString: testDb.url, options: `-c role=${config.TOCSIN_DB_ROLE}` });
  await app.connect();
});

afterAll(async () => {
  await app?.end();
  await owner?.end();
  await testDb?.drop();
});

test('the app role really is the restricted role, and sees nothing directly without a tenant', async () => {
  expect((await app.query('SELECT current_user AS u')).rows).toEqual([{ u: config.TOCSIN_DB_ROLE }]);
  for (const table of ['tenant', 'api_token', 'event_sink', 'delivery']) {
    expect([table, (await app.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n]).toEqual([table, 0]);
  }
});

test('every SECURITY DEFINER function is one of the known ones, owned by tocsin_system, not executable by PUBLIC', async () => {
  const { rows } = await owner.query(
    `SELECT p.proname, r.rolname AS owner, has_function_privilege('public', p.oid, 'EXECUTE') AS public_can,
            p.proconfig FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.prosecdef ORDER BY p.proname`,
  );
  expect(rows).toEqual(
    [
      'tocsin_authenticate',
      'tocsin_claim_due_deliveries',
      'tocsin_console_session',
      'tocsin_list_tenants',
      'tocsin_metrics_circuits',
      'tocsin_metrics_deliveries',
      'tocsin_metrics_relay_lag',
      'tocsin_retention_policies',
    ].map((proname) => ({
      proname,
      owner: 'tocsin_system',
      public_can: false,
      // A pinned search path, the temporary schema last: nothing the caller creates can shadow a name.
      proconfig: ['search_path=public, pg_temp'],
    })),
  );
});

test('tocsin_system can read only what the functions need, and the app role cannot become it', async () => {
  const { rows } = await owner.query(
    `SELECT t AS table, has_table_privilege('tocsin_system', t, 'SELECT') AS sel, has_table_privilege('tocsin_system', t, 'UPDATE') AS upd,
            has_table_privilege('tocsin_system', t, 'INSERT') OR has_table_privilege('tocsin_system', t, 'DELETE') AS write
       FROM unnest(ARRAY['tenant', 'api_token', 'event_sink', 'audit_event', 'delivery', 'delivery_attempt', 'sink_test']) AS t ORDER BY t`,
  );
  expect(rows).toEqual([
    { table: 'api_token', sel: true, upd: false, write: false },
    { table: 'audit_event', sel: false, upd: false, write: false },
    { table: 'delivery', sel: true, upd: true, write: false },
    { table: 'delivery_attempt', sel: false, upd: false, write: false },
    { table: 'event_sink', sel: false, upd: false, write: false },
    { table: 'sink_test', sel: false, upd: false, write: false },
    { table: 'tenant', sel: true, upd: false, write: false },
  ]);
  const sys = (await owner.query(`SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'tocsin_system'`)).rows;
  expect(sys).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  // The app role is no member of the owner, so nothing it is granted leads to the owner's rights.
  // (SET ROLE is checked against the session's login user, which the URL names — here the
  // superuser that runs the tests — so membership is what can be checked about the app role.)
  expect((await owner.query(`SELECT pg_has_role($1, 'tocsin_system', 'MEMBER') AS m`, [config.TOCSIN_DB_ROLE])).rows).toEqual([{ m: false }]);
  await expect(app.query('ALTER FUNCTION tocsin_authenticate(bytea) SECURITY INVOKER')).rejects.toThrow(/must be owner/);
  // No objects of its own in public, so nothing of the caller's can be found by the functions.
  await expect(app.query('CREATE FUNCTION tocsin_current_tenant_x() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')).rejects.toThrow(/permission denied/);
});

describe('tocsin_authenticate', () => {
  test('a live token: its tenant, scopes and plan, and no other column', async () => {
    const { rows, fields } = await app.query('SELECT * FROM tocsin_authenticate($1)', [tokenA.hash]);
    expect(fields.map((f) => f.name)).toEqual(['token_id', 'tenant_id', 'scopes', 'plan']);
    expect(rows).toEqual([{ token_id: tokenA.id, tenant_id: A, scopes: ['admin'], plan: 'team' }]);
  });

  test.each([
    ['a revoked token', () => revokedA.hash],
    ['NULL', () => null],
    ['an empty hash', () => Buffer.alloc(0)],
    ['a prefix of a real hash', () => tokenB.hash.subarray(0, 16)],
    ['the token itself instead of its hash', () => Buffer.from('tct_b-live')],
    ['a LIKE pattern', () => Buffer.from('%')],
  ])('%s → no row', async (_what, hash) => {
    expect((await app.query('SELECT * FROM tocsin_authenticate($1)', [hash()])).rows).toEqual([]);
  });

  test('after authenticating, the caller still cannot read the other tables', async () => {
    await app.query('SELECT * FROM tocsin_authenticate($1)', [tokenB.hash]);
    expect((await app.query('SELECT count(*)::int AS n FROM api_token')).rows).toEqual([{ n: 0 }]);
  });
});

describe('tocsin_list_tenants', () => {
  test("every tenant's id, name, plan and creation time, and nothing a tenant owns", async () => {
    const { rows, fields } = await app.query('SELECT * FROM tocsin_list_tenants()');
    expect(fields.map((f) => f.name)).toEqual(['id', 'name', 'plan', 'created_at']);
    expect(rows.map((r) => [r.id, r.name, r.plan]).sort()).toEqual([[A, 'tenant a', 'team'], [B, 'tenant b', 'enterprise']].sort());
  });
});

describe('tocsin_retention_policies', () => {
  test('ids and the two periods of the tenants that have a policy, and nothing else', async () => {
    expect((await app.query('SELECT * FROM tocsin_retention_policies()')).rows).toEqual([]);
    await owner.query('UPDATE tenant SET event_retention_days = 30 WHERE id = $1', [B]);
    try {
      const { rows, fields } = await app.query('SELECT * FROM tocsin_retention_policies()');
      expect(fields.map((f) => f.name)).toEqual(['tenant_id', 'event_retention_days', 'attempt_retention_days']);
      expect(rows).toEqual([{ tenant_id: B, event_retention_days: 30, attempt_retention_days: null }]);
    } finally {
      await owner.query('UPDATE tenant SET event_retention_days = NULL WHERE id = $1', [B]);
    }
  });
});

describe('tocsin_claim_due_deliveries', () => {
  const state = async () =>
    Object.fromEntries(
      (await owner.query<{ id: string; state: string; attempts: number; next_attempt_at: Date; updated_at: Date; last_error: string }>(
        'SELECT id, state, attempts, next_attempt_at, updated_at, last_error FROM delivery',
      )).rows.map((r) => [r.id, r]),
    );

  test('claims exactly the due rows, returns routing data only, and moves nothing but their next look', async () => {
    const before = await state();
    const { rows, fields } = await app.query(`SELECT * FROM tocsin_claim_due_deliveries(1000, interval '1 hour')`);
    expect(fields.map((f) => f.name)).toEqual(['id', 'tenant_id', 'channel', 'sink_id', 'manual_retries']);
    expect(rows.map((r) => r.id).sort()).toEqual(Object.values(due).sort());
    expect(rows[0]).toEqual({ id: rows[0].id, tenant_id: B, channel: 'webhook', sink_id: sinkB, manual_retries: 0 });
    const after = await state();
    for (const id of Object.values(notDue)) expect(after[id]).toEqual(before[id]);
    for (const id of Object.values(due)) {
      const { next_attempt_at: was, ...rest } = before[id]!;
      const { next_attempt_at: now, ...restAfter } = after[id]!;
      expect(restAfter).toEqual(rest); // state, attempts, updated_at and last error untouched
      expect(now.getTime()).toBeGreaterThan(was.getTime() + 30 * 60_000);
    }
    // Claimed: not due again until the recheck.
    expect((await app.query(`SELECT * FROM tocsin_claim_due_deliveries(1000, interval '1 hour')`)).rows).toEqual([]);
  });

  test('odd arguments cannot widen it to finished or future rows', async () => {
    await owner.query(`UPDATE delivery SET next_attempt_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [Object.values(due)]);
    await expect(app.query(`SELECT * FROM tocsin_claim_due_deliveries(-1, interval '1 hour')`)).rejects.toThrow(/LIMIT must not be negative/);
    // A NULL limit or a negative recheck still only ever touches due rows.
    const odd = await app.query(`SELECT * FROM tocsin_claim_due_deliveries(NULL, interval '-10 years')`);
    expect(odd.rows.map((r) => r.id).sort()).toEqual(Object.values(due).sort());
    const finished = await owner.query<{ id: string; state: string }>('SELECT id, state FROM delivery WHERE id = ANY($1::uuid[]) ORDER BY id', [Object.values(notDue)]);
    expect(finished.rows.map((r) => r.state).sort()).toEqual(['delivered', 'failed', 'in_flight', 'pending', 'skipped']);
    expect((await app.query(`SELECT * FROM tocsin_claim_due_deliveries(0, interval '1 hour')`)).rows).toEqual([]);
  });
});
