import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@tocsin/config';
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
