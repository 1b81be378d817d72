import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadConfig, workerNodeArgs } from '@tocsin/config';

export const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
export const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));

/** Starts a child and waits for a stdout line matching `ready` (its group 1 is the port). */
export async function startChild(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  ready: RegExp = /READY (\d+)/,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = ready.exec(buffered);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
  return { child, port };
}

/** Node options from `variable` (e.g. BENCH_API_NODE_ARGS="--cpu-prof"), to profile a child. */
const nodeArgsFrom = (variable: string) => process.env[variable]?.split(' ').filter(Boolean) ?? [];

/** `tocsin api` on a free port, once it listens (its info log line names the port). BENCH_API_NODE_ARGS profiles it. */
export function startApi(env: Record<string, string | undefined>) {
  return startChild(process.execPath, [...nodeArgsFrom('BENCH_API_NODE_ARGS'), BIN, 'api'], { ...env, PORT: '0', LOG_LEVEL: 'info' }, /"port":(\d+)[^\n]*api listening/);
}

/**
 * `tocsin worker`, once it has started its queue workers, with the node options `tocsin start`
 * gives it (the heap limit). BENCH_WORKER_NODE_ARGS, e.g. `--cpu-prof`, profiles it. The child is
 * the worker itself (tsx runs in-process), so its pid's RSS is the worker's.
 */
export function startWorker(env: Record<string, string | undefined>) {
  const nodeArgs = workerNodeArgs(loadConfig({ ...process.env, ...env }), nodeArgsFrom('BENCH_WORKER_NODE_ARGS'), '');
  return startChild(process.execPath, [...nodeArgs, BIN, 'worker'], { ...env, LOG_LEVEL: 'info' }, /()worker started/);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
