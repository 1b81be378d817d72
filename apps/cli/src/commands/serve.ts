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
  logger.info({ signal }, 'worker stopping: finishing jobs in flight');
  await worker.close();
  return 0;
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
