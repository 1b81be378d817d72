import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startApi } from '@tocsin/api';
import { startWorker } from '@tocsin/worker';
import { migrate } from '@tocsin/db';
import { runtime, secretBoxFor, untilSignal } from '../runtime.js';

export async function apiCommand(): Promise<number> {
  const { config, logger } = runtime({ process: 'api' });
  const api = await startApi(config, secretBoxFor(config, logger), logger);
  const signal = await untilSignal();
  logger.info({ signal }, 'api stopping');
  await api.close();
  return 0;
}

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { channels: { type: 'string' } } });
  const { config, logger } = runtime({ process: 'worker' });
  const worker = await startWorker(config, secretBoxFor(config, logger), logger, values.channels?.split(',').map((s) => s.trim()));
  const signal = await untilSignal();
  const graceMs = config.TOCSIN_SHUTDOWN_GRACE_MS;
  logger.info({ signal, graceMs }, 'worker stopping: no new jobs; finishing the ones in flight');
  // A second signal means "now": the leases hand whatever was in flight to another worker.
  void untilSignal().then((again) => {
    logger.warn({ signal: again }, 'worker stopping at once');
    process.exit(1);
  });
  const { drained } = await worker.close(graceMs);
  // Past the grace, sends still in flight would keep the process alive: leave now (the logger
  // writes synchronously, so nothing logged is lost).
  if (!drained) process.exit(1);
  logger.info('worker stopped: every job in flight finished');
  exitSoon(0); // in case a library keeps a socket or timer open
  return 0;
}

/** Exits with `code` shortly unless the process ends by itself first (nothing left running). */
function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), 1_000).unref();
}

const BIN = fileURLToPath(new URL('../../bin/tocsin.js', import.meta.url));

/**
 * Migrates, then runs the api and the workers as child processes of this one. If either exits,
 * the other is stopped and start exits non-zero, so a supervisor restarts the whole tree.
 */
export async function startCommand(): Promise<number> {
  const { config, logger } = runtime({ process: 'start' });
  secretBoxFor(config, logger); // create the development key once, before the children race for it
  await migrate(config.DATABASE_URL);
  const children = ['api', 'worker'].map((cmd) => fork(BIN, [cmd], { stdio: 'inherit' }));
  const firstExit = Promise.race(children.map((c) => new Promise<number>((resolve) => c.once('exit', (code) => resolve(code ?? 1)))));
  const reason = await Promise.race([untilSignal().then(() => 0), firstExit]);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  return reason;
}
