import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually } from '../support/system.js';

/**
 * `tocsin start` on a machine with nothing but Node: no DATABASE_URL, no REDIS_URL, and nothing
 * on the default addresses (moved to free ports through TOCSIN_LOCAL_*_PORT, since this machine
 * runs its own PostgreSQL and Redis on the usual ones). It must start an embedded PostgreSQL, keep
 * the queues in it, deliver, and find its data again on the next start.
 */
const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));


let dir: string;
let env: Record<string, string>;
let receiver: Receiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tocsin-bare-'));
  await chmod(dir, 0o755); // as root, the embedded server runs as `postgres` and must pass through
  receiver = await startReceiver();
  env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? '/tmp',
    TOCSIN_LOCAL_POSTGRES_PORT: String(await freePort()),
    TOCSIN_LOCAL_REDIS_PORT: String(await freePort()),
    PORT: String(await freePort()),
    TOCSIN_EGRESS_ALLOW: '127.0.0.0/8',
    LOG_LEVEL: 'info',
  };
});
afterAll(async () => {
  // A failed test may leave start running: stop it as a user would, so it stops its PostgreSQL.
  for (const c of children.filter((c) => c.exitCode === null && c.signalCode === null)) {
    c.kill('SIGTERM');
    await Promise.race([once(c, 'exit'), new Promise((r) => setTimeout(r, 20_000).unref())]);
    c.kill('SIGKILL');
  }
  // And should the server outlive it anyway, end it by its pid file.
  const pid = await readFile(join(dir, '.tocsin/postgres/data/postmaster.pid'), 'utf8').then((t) => Number(t.split('\n')[0]), () => undefined);
  if (pid) process.kill(pid, 'SIGKILL');
  await receiver?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `tocsin start` in the bare directory; resolves once the api and the workers are up. */
async function start() {
  const child = spawn(process.execPath, [BIN, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out: string[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => out.push(b.toString()));
  const exited = once(child, 'exit');
  const lines = () => out.join('').split('\n').filter(Boolean);
  const deadline = Date.now() + 90_000;
  while (!(lines().some((l) => l.includes('"msg":"api listening"')) && lines().some((l) => l.includes('"msg":"worker started"')))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`start did not come up:\n${out.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    lines,
    async stop() {
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number;
    },
  };
}

/** How many HONEYTOKEN_TRIPPED events the receiver got (the sink also gets its own audit event). */
const tripped = (r: Receiver) => r.requests.filter((q) => JSON.parse(q.body.toString()).action === 'HONEYTOKEN_TRIPPED').length;

const cli = async (...args: string[]) => JSON.parse((await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: dir, env })).stdout);

async function post(path: string, token: string, body: unknown) {
  const res = await fetch(`http://127.0.0.1:${env.PORT}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('comes up on an embedded PostgreSQL with the queues in it, delivers, and finds its data on the next start', async () => {
  const first = await start();
  const said = first.lines().join('\n');
  expect(said).toMatch(/"msg":"database: created and started an embedded PostgreSQL on 127\.0\.0\.1:\d+, data in \.tocsin\/postgres/);
  expect(said).toMatch(/"queue":"postgres".*"msg":"queue store: PostgreSQL, no Redis \(no REDIS_URL and nothing answers at 127\.0\.0\.1:\d+\)/);
  expect(said).toMatch(/"queue":"postgres",[^\n]*"msg":"worker started"/); // the worker runs on it

  const { tenant_id: tenantId, token } = await cli('tenant', 'create', '--name', 'bare', '--plan', 'enterprise', '--json');
  const sink = await post('/v1/event_sink', token, { name: 'hook', event_sink_args: { Webhook: { url: `${receiver.url}/hook` } }, events: ['*'], min_severity: 'low' });
  expect([sink.status, sink.body]).toEqual([201, expect.anything()]);
  expect((await post('/v1/events', token, { action: 'HONEYTOKEN_TRIPPED', detail: { n: 1 } })).status).toBe(202);
  await eventually(async () => (tripped(receiver) === 1 ? true : undefined), 30_000, 'the event delivered');
  expect(await first.stop()).toBe(0);

  const second = await start();
  expect(second.lines().join('\n')).toMatch(/"msg":"database: started an embedded PostgreSQL/);
  expect((await cli('tenant', 'list', '--json')).tenants.map((t: { tenant_id: string }) => t.tenant_id)).toContain(tenantId);
  expect((await post('/v1/events', token, { action: 'HONEYTOKEN_TRIPPED', detail: { n: 2 } })).status).toBe(202);
  await eventually(async () => (tripped(receiver) === 2 ? true : undefined), 30_000, 'the second event delivered');
  expect(await second.stop()).toBe(0);
}, 240_000);
