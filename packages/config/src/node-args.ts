import type { Config } from './config.js';

/**
 * Young-generation semi-space for the worker, in MB (Node 20's default grows it to 16). A worker's
 * garbage is short-lived request objects: smaller semi-spaces are scavenged more often, each as
 * cheaply, and the process holds 30 MB less (measured by bench/worker-memory.ts, same drain rate).
 */
const WORKER_SEMI_SPACE_MB = 4;

/**
 * The worker's node options: this process's own, plus the heap limit TOCSIN_WORKER_HEAP_MB and the
 * semi-space size, each unless already given (in them or in NODE_OPTIONS).
 */
export function workerNodeArgs(config: Pick<Config, 'TOCSIN_WORKER_HEAP_MB'>, execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = (flag: string) => [...execArgv, nodeOptions].some((arg) => arg.includes(flag));
  return [
    ...execArgv,
    ...(given('--max-old-space-size') ? [] : [`--max-old-space-size=${config.TOCSIN_WORKER_HEAP_MB}`]),
    ...(given('--max-semi-space-size') ? [] : [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]),
  ];
}
