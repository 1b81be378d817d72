import { execFileSync } from 'node:child_process';

/** Checks that the run left nothing on the shared PostgreSQL and Redis: see leftovers.ts. */
export default function globalTeardown(): void {
  execFileSync(process.execPath, ['--import', 'tsx', `${__dirname}/leftovers.ts`], { stdio: 'inherit', env: process.env });
}
