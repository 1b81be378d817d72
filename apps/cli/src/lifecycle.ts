import { readFileSync } from 'node:fs';

/** Why a long-running command stops. */
export type StopReason = NodeJS.Signals | 'parent_exited';

const PARENT_POLL_MS = 500;

/**
 * The parent's pid as the kernel sees it now. `process.ppid` is read once at start, so it never
 * shows that the process was re-parented; Linux's procfs does (field 4 of `stat`, after the
 * parenthesised command name, which may itself contain spaces).
 */
function currentParent(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // no procfs: fall back to asking whether the first parent still exists
  }
}

function parentGone(first: number): boolean {
  const now = currentParent();
  if (now !== undefined) return now !== first;
  try {
    process.kill(first, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Calls `onStop` once, when the process is asked to stop or is orphaned:
 * - SIGINT or SIGTERM;
 * - a forked child (`tocsin start`'s api and worker) sees its IPC channel close, which happens
 *   however the parent ends, SIGKILL included;
 * - with `watchParent`, the parent process is gone. `npm start` runs `sh -c "... && tocsin start"`:
 *   a SIGTERM to npm reaches the shell, which dies without passing it on, and `tocsin start` would
 *   live on re-parented. It notices within half a second instead.
 * Later signals go to `onAgain` (e.g. "stop now").
 */
export function onStop(onStopped: (reason: StopReason) => void, options: { watchParent?: boolean; onAgain?: (reason: StopReason) => void } = {}): void {
  let stopped = false;
  const stop = (reason: StopReason) => {
    if (stopped) return options.onAgain?.(reason);
    stopped = true;
    onStopped(reason);
  };
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => stop(s));
  if (process.send) process.once('disconnect', () => stop('parent_exited'));
  if (options.watchParent) {
    const first = currentParent() ?? process.ppid;
    const timer = setInterval(() => {
      if (!parentGone(first)) return;
      clearInterval(timer);
      stop('parent_exited');
    }, PARENT_POLL_MS);
    timer.unref();
  }
}

/** Resolves with the first reason to stop (see {@link onStop}). */
export function untilStopped(options: { watchParent?: boolean; onAgain?: (reason: StopReason) => void } = {}): Promise<StopReason> {
  return new Promise((resolve) => onStop(resolve, options));
}
