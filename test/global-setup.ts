import { randomBytes } from 'node:crypto';

/**
 * One id for this test run, inherited by every test worker: the names of the databases, key
 * prefixes and channels tests create on the machine's shared PostgreSQL and Redis carry it (see
 * testName in @tocsin/db/testing), so global-teardown.ts can check that the run left nothing.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TOCSIN_TEST_RUN ??= `r${randomBytes(4).toString('hex')}`;
}
