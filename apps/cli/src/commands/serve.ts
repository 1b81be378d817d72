import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate } from '@tocsin/db';
import { resolveQueueKind, workerNodeArgs, type Config, type Logger } from '@tocsin/config';
import { startServices, type Services } from '../services.js';
import { prepareQueueStore } from './migrate.js';
import { runtime, secretBoxFor } from '../runtime.js';
import { untilStopped } from '../lifecycle.js';

/** A process started alone decides its queue store as `tocsin start` would, and says so. */
async function withQueueKind(config: Config, logger: Logger): Promise<Config> {
  if (config.TOCSIN_QUEUE) return config;
  const { kind, reason } = await resolveQueueKind(config);
  logger.warn({ queue: kind }, `TOCSIN_QUEUE is not set: queues in ${kind === 'redis' ? 'Redis' : 'PostgreSQL'} (${reason}); set it in production`);
  return { ...config, TOCSIN_QUEUE: kind };
}

export async function apiCommand(): Promise<number> {
  const { config: loaded, logger } = runtime({ process: 'api' });
  const config = await withQueueKind(loaded, logger);
  // Each process loads only its own half (a worker never loads Express or the api's modules).
  const { startApi } = await import('@tocsin/api');
  const api = await startApi(config, secretBoxFor(config, logger), logger);
  const reason = await untilStopped({
    onAgain: (again) => {
      logger.warn({ signal: again }, 'api stopping at once');
      process.exit(1);
    },
  });
  logger.info({ reason }, 'api stopping');
  await api.close();
  exitSoon(0);
  return 0;
}

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { channels: { type: 'string' } } });
  const { config: loaded, logger } = runtime({ process: 'worker' });
  const config = await withQueueKind(loaded, logger);
  const { startWorker } = await import('@tocsin/worker');
  const worker = await startWorker(config, secretBoxFor(config, logger), logger, values.channels?.split(',').map((s) => s.trim()));
  // A second signal means "now": the leases hand whatever was in flight to another worker.
  const reason = await untilStopped({
    onAgain: (again) => {
      logger.warn({ signal: again }, 'worker stopping at once');
      process.exit(1);
    },
  });
  const graceMs = config.TOCSIN_SHUTDOWN_GRACE_MS;
  logger.info({ reason, graceMs }, 'worker stopping: no new jobs; finishing the ones in flight');
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
 * Decides what it runs on (see startServices), migrates, then runs the api and the workers as
 * child processes of this one. If either exits, the other is stopped and start exits non-zero, so
 * a supervisor restarts the whole tree. An embedded PostgreSQL stops last, after both.
 *
 * This process is the only one that signals the children: they run in their own process group
 * (`detached`), so a Ctrl-C reaches them once, through here, as SIGTERM (a second Ctrl-C passes
 * on a second SIGTERM: stop at once). They also stop when their IPC channel to this process
 * closes, which covers this process being killed outright; and this process stops when its own
 * parent goes away (see lifecycle.ts), which covers `npm start` being sent SIGTERM.
 */
export async function startCommand(): Promise<number> {
  const { config: loaded, logger } = runtime({ process: 'start' });
  secretBoxFor(loaded, logger); // create the development key once, before the children race for it
  const services = await startServices(loaded, logger);
  try {
    return await superviseChildren(services, logger);
  } finally {
    await services.stop();
  }
}

async function superviseChildren({ config, env }: Services, logger: Logger): Promise<number> {
  const applied = await migrate(config.DATABASE_URL);
  logger.info({ applied }, applied.length ? `migrations applied: ${applied.join(', ')}` : 'database is up to date: no migration to apply');
  await prepareQueueStore(config, logger);
  const children = ['api', 'worker'].map((cmd) =>
    fork(BIN, [cmd], { stdio: 'inherit', detached: true, env: { ...process.env, ...env }, execArgv: cmd === 'worker' ? workerNodeArgs(config) : process.execArgv }),
  );
  logger.info({ pids: Object.fromEntries(children.map((c, i) => [i === 0 ? 'api' : 'worker', c.pid])) }, 'started the api and the workers');
  const stopChildren = () => {
    for (const child of children) if (running(child)) child.kill('SIGTERM');
  };
  const exits = children.map((c) => exitOf(c));
  const firstExit = Promise.race(exits.map((exit, i) => exit.then((code) => ({ child: children[i]!, code }))));
  const outcome = await Promise.race([
    untilStopped({ watchParent: true, onAgain: stopChildren }).then((reason) => ({ reason })),
    firstExit.then(({ child, code }) => ({ exited: child, code })),
  ]);
  if ('reason' in outcome) logger.info({ reason: outcome.reason }, 'stopping the api and the workers');
  else logger.error({ pid: outcome.exited.pid, code: outcome.code }, 'a child process exited; stopping the others');
  stopChildren();
  const codes = await Promise.all(exits);
  logger.info({ codes }, 'stopped');
  // A child that ended by itself is a failure whatever its code: the tree is not whole any more.
  if (!('reason' in outcome)) return outcome.code === 0 ? 1 : outcome.code;
  return codes.every((c) => c === 0) ? 0 : 1;
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** The child's exit code; killed by a signal, 128 + its number as a shell reports it (1 if unknown). */
async function exitOf(child: ChildProcess): Promise<number> {
  const [code, signal] = running(child) ? ((await once(child, 'exit')) as [number | null, NodeJS.Signals | null]) : [child.exitCode, child.signalCode];
  if (code !== null) return code;
  return signal ? 128 + constants.signals[signal] : 1;
}
