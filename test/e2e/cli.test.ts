import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@tocsin/config';
import { Database } from '@tocsin/db';
import { createTestDatabase, type TestDatabase } from '@tocsin/db/testing';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(loadConfig().DATABASE_URL);
});
afterAll(async () => db?.drop());

const env = () => ({ PATH: process.env.PATH, DATABASE_URL: db.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' });

test('tenant create and token create print JSON with a usable token', async () => {
  const tenant = await run(process.execPath, [BIN, 'tenant', 'create', '--name', 'acme', '--plan', 'team', '--json'], { env: env() });
  const created = JSON.parse(tenant.stdout);
  expect(created).toEqual({ tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/), token: expect.stringMatching(/^tct_[A-Za-z0-9_-]{43}$/) });

  const token = await run(process.execPath, [BIN, 'token', 'create', '--tenant', created.tenant_id, '--scopes', 'events:write,events:read', '--json'], { env: env() });
  expect(JSON.parse(token.stdout)).toMatchObject({ tenant_id: created.tenant_id, token: expect.stringMatching(/^tct_/), prefix: expect.stringMatching(/^tct_/) });
});

test('migrate is idempotent on a migrated database', async () => {
  const out = await run(process.execPath, [BIN, 'migrate'], { env: { ...env(), LOG_LEVEL: 'info' } });
  expect(out.stdout).toContain('up to date');
});

test('a bad setting stops start-up with a message naming the variable', async () => {
  const failed = await run(process.execPath, [BIN, 'migrate'], { env: { ...env(), PORT: 'eighty' } }).catch((e: { code: number; stderr: string }) => e);
  expect(failed).toMatchObject({ code: 78, stderr: expect.stringContaining('PORT') });
});

test('an unknown scope is refused', async () => {
  const failed = await run(process.execPath, [BIN, 'token', 'create', '--tenant', '00000000-0000-0000-0000-000000000000', '--scopes', 'root'], { env: env() }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect(failed).toMatchObject({ code: 1 });
});

const fails = (args: string[]) => run(process.execPath, [BIN, ...args], { env: env() }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);

test('tenant list shows every tenant with its plan, as JSON and as a table', async () => {
  const made = await Promise.all(
    (['free', 'enterprise'] as const).map(async (plan) => JSON.parse((await run(process.execPath, [BIN, 'tenant', 'create', '--name', `list-${plan}`, '--plan', plan, '--json'], { env: env() })).stdout).tenant_id as string),
  );
  const { tenants } = JSON.parse((await run(process.execPath, [BIN, 'tenant', 'list', '--json'], { env: env() })).stdout);
  expect(tenants).toEqual(expect.arrayContaining([
    { tenant_id: made[0], name: 'list-free', plan: 'free', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    { tenant_id: made[1], name: 'list-enterprise', plan: 'enterprise', created_at: expect.any(String) },
  ]));
  const table = (await run(process.execPath, [BIN, 'tenant', 'list'], { env: env() })).stdout.split('\n');
  expect(table[0]).toMatch(/^TENANT\s+PLAN\s+CREATED\s+NAME$/);
  expect(table.find((line) => line.startsWith(made[1]!))).toMatch(/\senterprise\s.*\slist-enterprise$/);
});

test('tenant set-plan refuses a bad plan, a bad id and an unknown tenant, naming what is wrong', async () => {
  expect(await fails(['tenant', 'set-plan', '--tenant', '00000000-0000-4000-8000-000000000000', '--plan', 'platinum'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--plan must be one of free, team, enterprise') });
  expect(await fails(['tenant', 'set-plan', '--tenant', 'acme', '--plan', 'team'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--tenant') });
  expect(await fails(['tenant', 'set-plan', '--tenant', '00000000-0000-4000-8000-000000000000', '--plan', 'team'])).toMatchObject({ code: 1, stderr: expect.stringContaining('no tenant') });
});

test('tenant create and token create are audited with the operator as actor, never the token', async () => {
  const created = JSON.parse((await run(process.execPath, [BIN, 'tenant', 'create', '--name', 'audited', '--plan', 'team', '--json'], { env: env() })).stdout);
  const token = JSON.parse((await run(process.execPath, [BIN, 'token', 'create', '--tenant', created.tenant_id, '--scopes', 'events:write', '--name', 'ci', '--json'], { env: env() })).stdout);
  const database = new Database({ url: db.url, role: 'tocsin_app', poolSize: 1 });
  try {
    const events = await database.withTenant(created.tenant_id, (tx) => tx.auditEvent.findMany({ orderBy: { seq: 'asc' } }));
    const operator = expect.objectContaining({ id: 'cli', type: 'PlatformAdmin' });
    expect(events.map((e) => [e.action, e.actor, (e.resource as { name: string }).name])).toEqual([
      ['TOCSIN_API_TOKEN_CREATED', operator, 'initial admin token'],
      ['TOCSIN_API_TOKEN_CREATED', operator, 'ci'],
    ]);
    expect(events[1]!.detail).toEqual({ prefix: token.prefix, scopes: ['events:write'] });
    const stored = JSON.stringify(events.map(({ actor, resource, detail }) => ({ actor, resource, detail })));
    expect(stored).not.toContain(token.token);
    expect(stored).not.toContain(created.token);
  } finally {
    await database.close();
  }
});
