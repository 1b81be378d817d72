import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '@tocsin/channels/testing';

const run = promisify(execFile);

export interface OwnRedisOptions {
  /** Extra redis-server arguments, e.g. `['--maxmemory-policy', 'allkeys-lru']`. */
  args?: string[];
}

/** Polls until a redis-server on `port` answers PING. */
async function untilAnswering(port: number): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if (client.status !== 'ready') await client.connect();
        await client.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`redis-server on port ${port} did not start`);
  } finally {
    client.disconnect();
  }
}

async function kill(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = once(p, 'exit');
  p.kill('SIGKILL');
  await exited;
}

/**
 * A redis-server owned by one test, so the test can stop and restart it without touching the
 * machine's shared Redis. Keeps nothing on disk, like a Redis that lost its data.
 */
export class OwnRedis {
  #process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly options: OwnRedisOptions,
  ) {}

  static async start(options: OwnRedisOptions = {}): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), options);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again, on the same port and empty after a stop). */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...(this.options.args ?? [])];
    this.#process = spawn('redis-server', args, { stdio: 'ignore' });
    await untilAnswering(this.port);
  }

  /** Kills it (SIGKILL: no chance to save or to tell clients). */
  async stop(): Promise<void> {
    await kill(this.#process);
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing is answered, as with a hung server. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  resume(): void {
    this.#process?.kill('SIGCONT');
  }
}

/**
 * A Redis Cluster of `size` masters (no replicas) on loopback, owned by one test. Each node's
 * cluster state file lives in a temporary directory removed by `stop`.
 */
export class OwnRedisCluster {
  readonly #processes: ChildProcess[] = [];

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
  ) {}

  static async start(size = 3): Promise<OwnRedisCluster> {
    const ports: number[] = [];
    while (ports.length < size) {
      const port = await freePort();
      // A node also listens on port + 10000 (the cluster bus): both must be free and distinct.
      if (port + 10_000 < 65_536 && !ports.some((p) => Math.abs(p - port) === 10_000 || p === port)) ports.push(port);
    }
    const cluster = new OwnRedisCluster(ports, await mkdtemp(join(tmpdir(), 'redis-cluster-')));
    try {
      await cluster.#boot();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** `host:port` of every node, comma separated (the form REDIS_CLUSTER_NODES takes). */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async #boot(): Promise<void> {
    for (const port of this.ports) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, `nodes-${port}.conf`), '--dir', this.dir];
      this.#processes.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await Promise.all(this.ports.map(untilAnswering));
    await run('redis-cli', ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // `create` returns once slots are assigned; every node must also agree the cluster is up.
    for (const port of this.ports) {
      const client = new Redis({ host: '127.0.0.1', port });
      try {
        for (let i = 0; ; i++) {
          const info = await client.cluster('INFO');
          if (/cluster_state:ok/.test(info)) break;
          if (i > 200) throw new Error(`cluster node ${port} did not reach cluster_state:ok`);
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        client.disconnect();
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.#processes.map(kill));
    await rm(this.dir, { recursive: true, force: true });
  }
}
