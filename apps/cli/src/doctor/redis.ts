import { connectRedis, evictionPolicies, withTimeout } from '@tocsin/queue';
import type { Config } from '@tocsin/config';
import { fail, ok, reasonOf, withoutPassword, type CheckResult } from './check.js';

const TIMEOUT_MS = 3_000;

/** Redis answers, and every server (each cluster master) has maxmemory-policy noeviction. */
export async function redisChecks(config: Config): Promise<CheckResult[]> {
  const where = config.REDIS_CLUSTER_NODES ? `cluster ${config.REDIS_CLUSTER_NODES.map((n) => `${n.host}:${n.port}`).join(',')}` : withoutPassword(config.REDIS_URL);
  const client = connectRedis(
    { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES },
    { reconnect: false, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: TIMEOUT_MS },
  );
  let lastError: unknown;
  client.on('error', (err) => (lastError = err));
  try {
    await withTimeout(client.connect(), TIMEOUT_MS);
    if (client.status !== 'ready') await withTimeout(new Promise((resolve) => client.once('ready', resolve)), TIMEOUT_MS);
    await client.ping();
  } catch (err) {
    client.disconnect();
    return [fail(`Redis does not answer at ${where}: ${reasonOf(lastError ?? err)}`)];
  }
  try {
    const policies = await evictionPolicies(client);
    const wrong = [...new Set(policies.filter((p) => p !== 'noeviction'))];
    return [
      ok(`Redis answers at ${where}`),
      wrong.length === 0
        ? ok('Redis maxmemory-policy is noeviction')
        : fail(`Redis maxmemory-policy is ${wrong.join(', ')}: a full Redis would evict BullMQ's locks and jobs; set maxmemory-policy noeviction`),
    ];
  } catch (err) {
    return [ok(`Redis answers at ${where}`), fail(`could not read Redis maxmemory-policy: ${reasonOf(err)}`)];
  } finally {
    client.disconnect();
  }
}
