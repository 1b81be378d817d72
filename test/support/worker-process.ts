import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { System } from './system.js';

const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Every line it wrote to stdout (JSON log lines), live. */
  lines: string[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `tocsin worker` processes against one test system (its database, Redis, queue prefix and key).
 * `killAll` SIGKILLs whatever is still running: call it in afterAll.
 */
export class WorkerProcesses {
  readonly #children: ChildProcess[] = [];

  constructor(private readonly sys: System) {}

  spawn(env: Record<string, string> = {}): WorkerProcess {
    const c = this.sys.config;
    const child = spawn(process.execPath, [BIN, 'worker'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: c.DATABASE_URL,
        REDIS_URL: c.REDIS_URL,
        ...(c.TOCSIN_QUEUE ? { TOCSIN_QUEUE: c.TOCSIN_QUEUE } : {}),
        ...(c.REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES: c.REDIS_CLUSTER_NODES.map((n) => `${n.host}:${n.port}`).join(',') } : {}),
        TOCSIN_QUEUE_PREFIX: c.TOCSIN_QUEUE_PREFIX,
        TOCSIN_ENCRYPTION_KEY: this.sys.encryptionKey,
        TOCSIN_EGRESS_ALLOW: '127.0.0.0/8',
        TOCSIN_HTTP_TIMEOUT_MS: String(c.TOCSIN_HTTP_TIMEOUT_MS ?? 2_000),
        TOCSIN_RETRY_BASE_MS: String(c.TOCSIN_RETRY_BASE_MS),
        TOCSIN_RELAY_INTERVAL_MS: String(c.TOCSIN_RELAY_INTERVAL_MS),
        TOCSIN_RELAY_GRACE_MS: String(c.TOCSIN_RELAY_GRACE_MS),
        TOCSIN_RELAY_RECHECK_MS: String(c.TOCSIN_RELAY_RECHECK_MS),
        LOG_LEVEL: 'info',
        ...env,
      },
    });
    this.#children.push(child);
    const lines: string[] = [];
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
    const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    return { child, lines, exited };
  }

  async killAll(): Promise<void> {
    await Promise.all(
      this.#children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = once(c, 'exit');
        c.kill('SIGKILL');
        await exited;
      }),
    );
  }
}

/** Resolves once the worker process has logged `message` (pino's `msg`). */
export function untilLogged(worker: WorkerProcess, message: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (worker.lines.some((l) => l.includes(`"msg":"${message}"`))) return resolve();
      if (worker.child.exitCode !== null || Date.now() > deadline) return reject(new Error(`worker did not log "${message}"`));
      setTimeout(poll, 50);
    };
    poll();
  });
}
