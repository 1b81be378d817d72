import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@tocsin/channels/testing';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster owned by one test (initdb + pg_ctl on a free loopback port, trust auth,
 * data in a temporary directory), so the test can stop and start it without touching the
 * machine's shared PostgreSQL. PostgreSQL refuses to run as root: as root, the binaries run as
 * the `postgres` user (runuser).
 */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'own-pg-'));
    const pg = new OwnPostgres(await freePort(), dir);
    try {
      if (process.getuid?.() === 0) {
        const { stdout } = await run('id', ['-u', 'postgres']);
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        await chown(dir, Number(stdout.trim()), Number(gid.trim()));
      }
      await chmod(dir, 0o700);
      await pg.#as('initdb', ['-D', pg.#data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
      await pg.start();
    } catch (err) {
      await pg.destroy();
      throw err;
    }
    return pg;
  }

  get #data(): string {
    return join(this.dir, 'data');
  }

  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async #as(bin: string, args: string[]): Promise<void> {
    const path = `/usr/lib/postgresql/15/bin/${bin}`;
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', path, ...args], { cwd: this.dir });
    else await run(path, args, { cwd: this.dir });
  }

  /** Starts (again) on the same port and data; resolves once it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=200`;
    await this.#as('pg_ctl', ['-D', this.#data, '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /** Stops at once (`-m immediate`: no checkpoint, clients cut off, as in a crash). */
  async stop(): Promise<void> {
    await this.#as('pg_ctl', ['-D', this.#data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  }

  /** Stops it and removes its data directory. */
  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
