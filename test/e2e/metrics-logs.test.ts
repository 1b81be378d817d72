import { Writable } from 'node:stream';
import { createLogger } from '@tocsin/config';

/** The log redaction paths cover the environment's secrets and authorization headers nested in errors. */
test('settings that are credentials and nested authorization headers are censored', () => {
  const lines: string[] = [];
  const logger = createLogger('info', {}, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const secrets = { key: 'a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=', jwt: 'jwt-secret-jwt-secret-jwt-secret-0000', metrics: 'mt_metrics-token-000000', bearer: 'Bearer tct_live-token' };
  logger.info({ TOCSIN_ENCRYPTION_KEY: secrets.key, env: { TOCSIN_JWT_SECRET: secrets.jwt, TOCSIN_METRICS_TOKEN: secrets.metrics } }, 'env');
  logger.warn({ err: { options: { headers: { authorization: secrets.bearer } } }, request: { headers: { authorization: secrets.bearer } } }, 'nested');
  expect(lines).toHaveLength(2);
  for (const secret of Object.values(secrets)) expect(lines.filter((l) => l.includes(secret))).toEqual([]);
  expect(lines.join('')).toContain('[REDACTED]');
});
