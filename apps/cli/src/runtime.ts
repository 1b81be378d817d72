import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Database, SecretBox, keyId } from '@tocsin/db';
import { createLogger, loadConfig, type Config, type Logger } from '@tocsin/config';
import { databaseOf } from './services.js';

export const DEV_KEY_FILE = '.tocsin/dev-encryption-key';

/**
 * The master key if there is one, without creating a development key: what `doctor` inspects.
 * `source` says where it came from.
 */
export function existingSecretBox(config: Config): { box: SecretBox; source: string; keyId: string } | undefined {
  const retired = config.TOCSIN_ENCRYPTION_KEYS_OLD.map((k) => Buffer.from(k, 'base64'));
  const [current, source] = config.TOCSIN_ENCRYPTION_KEY
    ? [config.TOCSIN_ENCRYPTION_KEY, 'TOCSIN_ENCRYPTION_KEY']
    : existsSync(DEV_KEY_FILE)
      ? [readFileSync(DEV_KEY_FILE, 'utf8').trim(), `the development key in ${DEV_KEY_FILE}`]
      : [undefined, ''];
  if (!current) return undefined;
  const key = Buffer.from(current, 'base64');
  return { box: new SecretBox(key, retired), source, keyId: keyId(key) };
}

/**
 * The master key. Outside development it must be configured (the config refuses to start
 * without it); in development a local key is created once in .tocsin/ and the log says so.
 */
export function secretBoxFor(config: Config, logger: Logger): SecretBox {
  const retired = config.TOCSIN_ENCRYPTION_KEYS_OLD.map((k) => Buffer.from(k, 'base64'));
  if (config.TOCSIN_ENCRYPTION_KEY) return new SecretBox(Buffer.from(config.TOCSIN_ENCRYPTION_KEY, 'base64'), retired);
  if (!existsSync(DEV_KEY_FILE)) {
    mkdirSync('.tocsin', { recursive: true, mode: 0o700 });
    writeFileSync(DEV_KEY_FILE, randomBytes(32).toString('base64'), { mode: 0o600 });
    logger.warn({ file: DEV_KEY_FILE }, 'created a local development encryption key; set TOCSIN_ENCRYPTION_KEY in production');
  }
  return new SecretBox(Buffer.from(readFileSync(DEV_KEY_FILE, 'utf8').trim(), 'base64'), retired);
}

export interface Runtime {
  config: Config;
  logger: Logger;
}

/** The configuration, with the database `tocsin start` would use when DATABASE_URL is not set (see databaseOf). */
export function runtime(bindings: Record<string, unknown>): Runtime {
  const loaded = loadConfig();
  const config = { ...loaded, DATABASE_URL: databaseOf(loaded).url };
  return { config, logger: createLogger(config.LOG_LEVEL, bindings) };
}

export async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 2 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
