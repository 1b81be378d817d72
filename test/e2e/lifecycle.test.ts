import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@tocsin/config';
import { createTestDatabase, testName, type TestDatabase } from '@tocsin/db/testing';

/**
 * The quick start as a new user runs it: `npm start`, then Ctrl-C or a SIGTERM to npm. Every
 * process of the tree must be gone afterwards, and a busy port must stop start-up at once.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));

let db: TestDatabase;
const prefixes: string[] = [];
const started: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase(loadConfig().DATABASE_URL);
});
afterAll(async () => {
  // A failed test may leave re-parented processes: end everything that carries this suite's prefixes.
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of prefixes.flatMap(carrying)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Keys are dropped once nothing of this suite runs any more, or a late writer would leave some.
  for (const prefix of prefixes) await untilGone([], prefix, 10_000);
  await dropKeys(prefixes);
  await db?.drop();
});

/** A minimal environment, as in a fresh shell: no setting of this test process leaks in. */
function env(overrides: Record<string, string> = {}): Record<string, string> {
  const prefix = testName('lc');
  prefixes.push(prefix);
  return {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    TOCSIN_QUEUE_PREFIX: prefix,
    TOCSIN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    TOCSIN_SHUTDOWN_GRACE_MS: '5000',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

interface Running {
  child: ChildProcess;
  out: string[];
  err: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: string, args: string[], environment: Record<string, string>, options: { detached?: boolean } = {}): Running {
  // detached: its own process group, as a shell gives the command it runs in the foreground.
  const child = spawn(command, args, { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  started.push(child);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => err.push(b.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { child, out, err, exited };
}

/** The first JSON log line with pino's `msg` equal to `message`, waiting for it. */
async function logged(p: Running, message: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = p.out.join('').split('\n').find((l) => l.includes(`"msg":${JSON.stringify(message)}`));
    if (line) return JSON.parse(line);
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`did not log "${message}":\n${p.out.join('')}\n${p.err.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
}

function processes(): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.push({ pid: Number(name), ppid: Number(ppid), state: state! });
    } catch {
      // gone while we looked
    }
  }
  return all;
}

/** `root` and every process below it. */
function tree(root: number): number[] {
  const all = processes();
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const p of all) if (p.ppid === found[i]) found.push(p.pid);
  return found;
}

/** Live (not zombie) processes whose environment carries this queue prefix: anything of the tree, re-parented or not. */
function carrying(prefix: string): number[] {
  return processes()
    .filter((p) => p.state !== 'Z' && p.pid !== process.pid)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').includes(`TOCSIN_QUEUE_PREFIX=${prefix}`);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

const alive = (pids: number[]) => processes().filter((p) => pids.includes(p.pid) && p.state !== 'Z').map((p) => p.pid);

async function untilGone(pids: number[], prefix: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pids).length > 0 || carrying(prefix).length > 0) {
    if (Date.now() > deadline) throw new Error(`still running: ${[...new Set([...alive(pids), ...carrying(prefix)])].join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `npm start` and waits until the api answers; returns the process tree's pids. */
async function npmStart(environment: Record<string, string>) {
  const npm = run('npm', ['start'], environment, { detached: true });
  const listening = await logged(npm, 'api listening');
  await logged(npm, 'worker started');
  const res = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
  expect(res.status).toBe(200);
  const pids = tree(npm.child.pid!);
  // npm, its shell, tocsin start, the api and the worker (npm may add a shell of its own).
  expect(pids.length).toBeGreaterThanOrEqual(5);
  expect(carrying(environment.TOCSIN_QUEUE_PREFIX!).length).toBeGreaterThanOrEqual(5);
  return { npm, pids, listening };
}

describe('npm start', () => {
  test('logs what it did, listens on 127.0.0.1, and a SIGTERM to npm itself leaves no process behind', async () => {
    const environment = env({ TOCSIN_WORKER_HEAP_MB: '300' });
    const { npm, pids, listening } = await npmStart(environment);
    expect(listening).toMatchObject({ host: '127.0.0.1', url: `http://127.0.0.1:${listening.port}` });
    expect(await logged(npm, 'database is up to date: no migration to apply')).toMatchObject({ applied: [] });
    const started = (await logged(npm, 'worker started')) as { channels: object; heapLimitMb: number };
    expect(started.channels).toHaveProperty('webhook');
    // The worker runs with the heap limit start gives it (old space plus the young generation).
    expect(started.heapLimitMb).toBeGreaterThanOrEqual(300);
    expect(started.heapLimitMb).toBeLessThan(340);
    // Loopback only: the machine's other addresses do not answer.
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) await expect(fetch(`http://${external.address}:${listening.port}/healthz`)).rejects.toThrow();

    npm.child.kill('SIGTERM'); // to npm only, not its group: npm may not pass it on
    await untilGone(pids, environment.TOCSIN_QUEUE_PREFIX!);
    expect(npm.out.join('')).toContain('"msg":"worker stopped: every job in flight finished"');
  }, 180_000);

  test('Ctrl-C (SIGINT to the foreground process group) stops every process, each cleanly', async () => {
    const environment = env();
    const { npm, pids } = await npmStart(environment);
    process.kill(-npm.child.pid!, 'SIGINT');
    await untilGone(pids, environment.TOCSIN_QUEUE_PREFIX!);
    const out = npm.out.join('');
    expect(out).toContain('"msg":"worker stopped: every job in flight finished"');
    expect(out).not.toContain('stopping at once'); // one Ctrl-C is one stop request, not two
    expect(out).toMatch(/"codes":\[0,0\],"msg":"stopped"/);
  }, 180_000);
});

describe('tocsin start', () => {
  test('killed outright (SIGKILL), its api and worker notice and stop', async () => {
    const environment = env();
    const start = run(process.execPath, [BIN, 'start'], environment);
    const { pids } = await logged(start, 'started the api and the workers') as { pids: { api: number; worker: number } };
    await logged(start, 'api listening');
    await logged(start, 'worker started');
    start.child.kill('SIGKILL');
    await untilGone([pids.api, pids.worker], environment.TOCSIN_QUEUE_PREFIX!);
  }, 120_000);

  test('a port in use stops start-up with a clear message and a non-zero exit, leaving nothing running', async () => {
    const busy = await occupy();
    try {
      const environment = env({ PORT: String(busy.port) });
      const start = run(process.execPath, [BIN, 'start'], environment);
      const { code } = await withDeadline(start.exited, 60_000, 'tocsin start to exit');
      expect(code).not.toBe(0);
      expect(start.err.join('')).toContain(`port ${busy.port} is already in use on 127.0.0.1`);
      await untilGone([], environment.TOCSIN_QUEUE_PREFIX!);

      const api = run(process.execPath, [BIN, 'api'], environment);
      expect((await withDeadline(api.exited, 30_000, 'tocsin api to exit')).code).toBe(1);
      expect(api.err.join('')).toMatch(/tocsin: port \d+ is already in use on 127\.0\.0\.1 \(another tocsin api\?\): stop that process or set PORT to a free port/);
    } finally {
      busy.server.close();
    }
  }, 120_000);
});

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

async function dropKeys(list: string[]): Promise<void> {
  const redis = new Redis(loadConfig().REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of list) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
