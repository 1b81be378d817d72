import base from '../../jest.config.js';

/**
 * The end-to-end delivery suites again, with the queues in PostgreSQL (TOCSIN_QUEUE=postgres, set
 * by `npm run test:queue-postgres`). Suites about Redis itself (restarts, cluster, eviction,
 * FLUSHALL) stay on the Redis run only.
 */
const suites = [
  'admin-queues', 'channel-secrets', 'circuit-breaker', 'config-audit', 'delivery-log', 'delivery-outcomes',
  'delivery-resend-jobs', 'delivery-retry', 'event-sink-test', 'event-sinks', 'fairness', 'metrics', 'pacing',
  'plans', 'poison-isolation', 'pubsub-scope', 'rate-limits', 'retry-policy', 'secrets', 'shutdown',
  'siem-batching', 'siem-egress', 'siem-routing', 'slack-delivery', 'stall-limit', 'token-revocation',
  'webhook-delivery', 'worker-channels',
];

export default {
  ...base,
  rootDir: '../..',
  testMatch: suites.map((name) => `<rootDir>/test/e2e/${name}.test.ts`),
};
