import type { RedisClient } from './connection.js';
import { serversOf, untilReady, withTimeout } from './connection.js';

/** What the check logs through: the shape of a pino logger's methods it uses. */
export interface CheckLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export class EvictionPolicyError extends Error {
  readonly code = 'redis_eviction_policy';
  constructor(readonly policies: string[]) {
    super(`Redis maxmemory-policy is ${policies.join(', ')}; set it to noeviction (maxmemory-policy noeviction in redis.conf, or CONFIG SET maxmemory-policy noeviction)`);
    this.name = 'EvictionPolicyError';
  }
}

/**
 * Each server's `maxmemory-policy`, read from INFO (managed Redis services often rename or
 * forbid CONFIG). One entry per cluster master.
 */
export async function evictionPolicies(client: RedisClient): Promise<string[]> {
  return Promise.all(
    serversOf(client).map(async (server) => {
      const info = await server.info('memory');
      return /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    }),
  );
}

/**
 * BullMQ's locks and job hashes are plain keys: under any policy but `noeviction` a full Redis
 * deletes them, and jobs are lost or run twice (https://docs.bullmq.io/guide/going-to-production,
 * BullMQ issues #1046 and #2215). PostgreSQL brings lost jobs back, but only after the relay's
 * recheck, so a wrong policy is an operator error worth shouting about. With `require`, a
 * wrong policy throws {@link EvictionPolicyError}; otherwise it is logged as an error. A Redis
 * that does not answer within `timeoutMs` is not held against start-up (Redis may be down and
 * come back): it is logged and the check is skipped.
 */
export async function checkEvictionPolicy(client: RedisClient, logger: CheckLogger, options: { require: boolean; timeoutMs?: number }): Promise<void> {
  let policies: string[];
  try {
    policies = await withTimeout(untilReady(client).then(() => evictionPolicies(client)), options.timeoutMs ?? 5_000);
  } catch (err) {
    logger.warn({ err: { message: (err as Error).message } }, 'could not read Redis maxmemory-policy; it must be noeviction');
    return;
  }
  const wrong = [...new Set(policies.filter((p) => p !== 'noeviction'))];
  if (wrong.length === 0) return;
  const error = new EvictionPolicyError(wrong);
  if (options.require) throw error;
  logger.error({ maxmemoryPolicy: wrong, expected: 'noeviction', code: error.code }, `${error.message}; TOCSIN_REDIS_REQUIRE_NOEVICTION=true refuses to start instead`);
}
