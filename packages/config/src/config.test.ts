import { ConfigError, loadConfig } from './config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

test('defaults give a working development configuration', () => {
  const c = loadConfig({});
  expect(c).toMatchObject({
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/tocsin',
    REDIS_URL: 'redis://127.0.0.1:6379',
    PORT: 8080,
    NODE_ENV: 'development',
    TOCSIN_EGRESS_ALLOW: [],
    TOCSIN_RETRY_MAX_ATTEMPTS: 12,
  });
});

test('lists are split and trimmed', () => {
  expect(loadConfig({ TOCSIN_EGRESS_ALLOW: ' 127.0.0.0/8, 10.1.0.0/16 ,' }).TOCSIN_EGRESS_ALLOW).toEqual(['127.0.0.0/8', '10.1.0.0/16']);
});

test.each([
  [{ PORT: 'eighty' }, 'PORT'],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
  [{ TOCSIN_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'TOCSIN_ENCRYPTION_KEY'],
  [{ TOCSIN_ENCRYPTION_KEYS_OLD: `${KEY},short` }, 'TOCSIN_ENCRYPTION_KEYS_OLD'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ NODE_ENV: 'production' }, 'TOCSIN_ENCRYPTION_KEY'],
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
