import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOGGER = fileURLToPath(new URL('./logger.ts', import.meta.url));

/** Runs `body` in a fresh node process with `createLogger` imported, and returns its stdout lines. */
function linesOf(body: string): { lines: string[]; status: number | null } {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)}; ${body}`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { lines: run.stdout.split('\n').filter(Boolean), status: run.status };
}

test('every line logged before process.exit reaches stdout, whole and in order', () => {
  const { lines, status } = linesOf(`const log = createLogger('info'); for (let i = 0; i < 20000; i++) log.info({ i }, 'line'); process.exit(3);`);
  expect(status).toBe(3);
  expect(lines).toHaveLength(20000);
  expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(Array.from({ length: 20000 }, (_, i) => i));
});

test('a line logged just before an uncaught exception is not lost', () => {
  const { lines, status } = linesOf(`const log = createLogger('info'); log.error({ at: 'end' }, 'about to fail'); setImmediate(() => { throw new Error('boom'); });`);
  expect(status).toBe(1);
  expect(lines.map((l) => JSON.parse(l) as { msg: string })).toEqual([expect.objectContaining({ msg: 'about to fail', at: 'end' })]);
});
