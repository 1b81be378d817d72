/**
 * The console in a real browser: `NODE_OPTIONS=--experimental-vm-modules npx jest --config test/browser/jest.config.js`.
 * Files are `*.browser.ts`, so the root config (`*.test.ts`) never runs them. They need Chromium:
 * TOCSIN_CHROMIUM names its executable (default /usr/bin/chromium, Debian's `chromium` package).
 * The global setup builds the console first, so the api serves the current source.
 */
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
  globalSetup: '<rootDir>/test/browser/global-setup.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
