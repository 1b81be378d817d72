import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The run's id, as test/global-setup.ts sets it for the main suite (jest's global hooks cannot
 * import each other here), so the shared teardown checks this run left nothing behind; and one
 * directory per run where each scenario writes its accounting row (read by reporter.js).
 */
export default async function globalSetup(): Promise<void> {
  process.env.TOCSIN_TEST_RUN ??= `r${randomBytes(4).toString('hex')}`;
  process.env.TOCSIN_CHAOS_RESULTS = await mkdtemp(join(tmpdir(), 'tocsin-chaos-'));
}
