import { ConfigError, loadConfig } from './config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

test('defaults give a working development configuration', () => {
  const c = loadConfig({});
  expect(c).toMatchObject({
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/tocsin',
    REDIS_URL: 'redis://127.0.0.1:6379',
    PORT: 8080,
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    TOCSIN_EGRESS_ALLOW: [],
    TOCSIN_RETRY_MAX_ATTEMPTS: 25,
    TOCSIN_RETRY_MAX_DEFERRALS: 50,
    TOCSIN_RETRY_CRITICAL_WINDOW_MS: 72 * 3_600_000,
    TOCSIN_RETRY_LOW_WINDOW_MS: 3_600_000,
    TOCSIN_BREAKER_OPEN_AFTER_MS: 24 * 3_600_000,
    TOCSIN_SHUTDOWN_GRACE_MS: 25_000,
    TOCSIN_REDIS_REQUIRE_NOEVICTION: false,
  });
  expect(c.REDIS_CLUSTER_NODES).toBeUndefined();
  expect(c.TOCSIN_RETRY_BASE_MS).toBeUndefined();
});

test('cluster nodes are host:port pairs, split and trimmed', () => {
  expect(loadConfig({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-2.internal:7001 ,' }).REDIS_CLUSTER_NODES).toEqual([
    { host: '10.0.0.1', port: 7000 },
    { host: 'redis-2.internal', port: 7001 },
  ]);
});

test('booleans take true and false in words', () => {
  expect(loadConfig({ TOCSIN_REDIS_REQUIRE_NOEVICTION: 'true' }).TOCSIN_REDIS_REQUIRE_NOEVICTION).toBe(true);
  expect(loadConfig({ TOCSIN_REDIS_REQUIRE_NOEVICTION: 'false' }).TOCSIN_REDIS_REQUIRE_NOEVICTION).toBe(false);
});

test('lists are split and trimmed', () => {
  expect(loadConfig({ TOCSIN_EGRESS_ALLOW: ' 127.0.0.0/8, 10.1.0.0/16 ,' }).TOCSIN_EGRESS_ALLOW).toEqual(['127.0.0.0/8', '10.1.0.0/16']);
});

test.each([
  [{ PORT: 'eighty' }, 'PORT'],
  [{ HOST: 'any where' }, 'HOST'],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
  [{ TOCSIN_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'TOCSIN_ENCRYPTION_KEY'],
  [{ TOCSIN_ENCRYPTION_KEYS_OLD: `${KEY},short` }, 'TOCSIN_ENCRYPTION_KEYS_OLD'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ NODE_ENV: 'production' }, 'TOCSIN_ENCRYPTION_KEY'],
  [{ REDIS_CLUSTER_NODES: '10.0.0.1' }, 'REDIS_CLUSTER_NODES'],
  [{ REDIS_CLUSTER_NODES: '10.0.0.1:70000' }, 'REDIS_CLUSTER_NODES'],
  [{ REDIS_CLUSTER_NODES: ' , ' }, 'REDIS_CLUSTER_NODES'],
  [{ TOCSIN_REDIS_REQUIRE_NOEVICTION: 'maybe' }, 'TOCSIN_REDIS_REQUIRE_NOEVICTION'],
  [{ TOCSIN_RETRY_MAX_ATTEMPTS: '0' }, 'TOCSIN_RETRY_MAX_ATTEMPTS'],
  [{ TOCSIN_RETRY_CRITICAL_WINDOW_MS: '5' }, 'TOCSIN_RETRY_CRITICAL_WINDOW_MS'],
  [{ TOCSIN_RETRY_MAX_DEFERRALS: '-1' }, 'TOCSIN_RETRY_MAX_DEFERRALS'],
  [{ TOCSIN_BREAKER_OPEN_AFTER_MS: 'soon' }, 'TOCSIN_BREAKER_OPEN_AFTER_MS'],
  [{ TOCSIN_SHUTDOWN_GRACE_MS: '3600000' }, 'TOCSIN_SHUTDOWN_GRACE_MS'],
])('a bad value stops start-up naming the variable: %j', (env, variable) => {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).issues.map((i) => i.variable)).toContain(variable);
  expect((error as Error).message).toContain(variable);
});

test('production starts with a key', () => {
  expect(loadConfig({ NODE_ENV: 'production', TOCSIN_ENCRYPTION_KEY: KEY }).TOCSIN_ENCRYPTION_KEY).toBe(KEY);
});
