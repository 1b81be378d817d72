import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { startApi } from '@tocsin/api';
import { startWorker } from '@tocsin/worker';
import { SecretBox } from '@tocsin/db';
import { createTestDatabase, type TestDatabase } from '@tocsin/db/testing';
import { createLogger, loadConfig } from '@tocsin/config';
import { EvictionPolicyError } from '@tocsin/queue';
import { OwnRedis } from '../support/redis-server.js';
import { testConfig } from '../support/system.js';

/** A Redis that may evict keys loses BullMQ's locks and jobs: start-up says so, or refuses. */
describe('Redis with maxmemory-policy allkeys-lru', () => {
  let redis: OwnRedis;
  let testDb: TestDatabase;
  beforeAll(async () => {
    redis = await OwnRedis.start({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    testDb = await createTestDatabase(loadConfig().DATABASE_URL);
  });
  afterAll(async () => {
    await testDb?.drop();
    await redis?.stop();
  });

  function logged() {
    const lines: string[] = [];
    const logger = createLogger('info', {}, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    return { logger, errors: () => lines.map((l) => JSON.parse(l)).filter((l) => l.level >= 50) };
  }
  const box = new SecretBox(randomBytes(32));

  test('by default the api and the worker start, and each logs an error naming the policy and the fix', async () => {
    const config = testConfig(testDb.url, { REDIS_URL: redis.url, LOG_LEVEL: 'info' });
    const { logger, errors } = logged();
    const api = await startApi(config, box, logger);
    const worker = await startWorker(config, box, logger);
    await worker.close();
    await api.close();
    const lines = errors();
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ maxmemoryPolicy: ['allkeys-lru'], expected: 'noeviction', code: 'redis_eviction_policy' });
      expect(line.msg).toMatch(/maxmemory-policy is allkeys-lru; set it to noeviction/);
      expect(line.msg).toMatch(/TOCSIN_REDIS_REQUIRE_NOEVICTION=true/);
    }
  });

  test('with TOCSIN_REDIS_REQUIRE_NOEVICTION=true both refuse to start', async () => {
    const config = testConfig(testDb.url, { REDIS_URL: redis.url, TOCSIN_REDIS_REQUIRE_NOEVICTION: true });
    const { logger } = logged();
    await expect(startApi(config, box, logger)).rejects.toThrow(EvictionPolicyError);
    await expect(startWorker(config, box, logger)).rejects.toThrow(/maxmemory-policy is allkeys-lru; set it to noeviction/);
  });

  test('a noeviction Redis passes quietly, also when required', async () => {
    const good = await OwnRedis.start();
    try {
      const config = testConfig(testDb.url, { REDIS_URL: good.url, TOCSIN_REDIS_REQUIRE_NOEVICTION: true, LOG_LEVEL: 'info' });
      const { logger, errors } = logged();
      const worker = await startWorker(config, box, logger);
      await worker.close();
      expect(errors()).toEqual([]);
    } finally {
      await good.stop();
    }
  });
});
