import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../apps/cli/package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function tocsin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

const COMMANDS = ['start', 'migrate', 'api', 'worker', 'doctor', 'tenant create', 'tenant list', 'tenant set-plan', 'token create', 'events export'];

test.each([['--help'], ['help'], ['-h'], ['doctor', '--help']])('tocsin %s prints the commands on stdout and exits 0', async (...args) => {
  const { code, stdout } = await tocsin(...args);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^Usage: tocsin <command>/);
  for (const command of COMMANDS) expect(stdout).toContain(`  ${command}`);
});

test.each([['--version'], ['version']])('tocsin %s prints the version and exits 0', async (arg) => {
  expect(await tocsin(arg)).toMatchObject({ code: 0, stdout: `tocsin ${VERSION}\n` });
});

test.each([
  [['frobnicate'], 'frobnicate'],
  [['tenant', 'delete'], 'tenant delete'],
])('an unknown command (%j) says so, lists the commands and exits non-zero', async (args, shown) => {
  const { code, stdout, stderr } = await tocsin(...args);
  expect(code).toBe(64);
  expect(stdout).toBe('');
  expect(stderr).toContain(`tocsin: unknown command "${shown}"`);
  for (const command of COMMANDS) expect(stderr).toContain(`  ${command}`);
});

test('no command at all is a usage error', async () => {
  expect(await tocsin()).toMatchObject({ code: 64, stderr: expect.stringContaining('Usage: tocsin <command>') });
});
