/**
 * The chaos suite: `NODE_OPTIONS=--experimental-vm-modules npx jest --config test/chaos/jest.config.js`.
 * Files are `*.chaos.ts`, so the root config (`*.test.ts`) never runs them. The reporter prints
 * the accounting table every scenario recorded (see harness.ts).
 */
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/chaos/**/*.chaos.ts'],
  globalSetup: '<rootDir>/test/chaos/global-setup.ts',
  reporters: ['default', '<rootDir>/test/chaos/reporter.js'],
  testTimeout: 180_000,
  // One scenario at a time: two ratios are measured (hanging receiver, poison), and a scenario
  // running beside another's kill -9 or outage on a 2-core machine measured the neighbour instead.
  maxWorkers: 1,
};
