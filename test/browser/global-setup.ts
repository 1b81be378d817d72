import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * The run's id, as test/global-setup.ts sets it for the main suite (jest's global hooks cannot
 * import each other here); then a fresh build of the console, so the api serves the current source.
 * Jest runs this from the repository root (rootDir).
 */
export default async function globalSetup(): Promise<void> {
  process.env.TOCSIN_TEST_RUN ??= `r${randomBytes(4).toString('hex')}`;
  execFileSync('npm', ['run', 'build', '--workspace', '@tocsin/console'], {
    cwd: process.cwd(),
    stdio: 'inherit',
    // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
