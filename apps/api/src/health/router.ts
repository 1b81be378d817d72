import { Router } from 'express';
import type { Database } from '@tocsin/db';
import type { RedisClient } from '@tocsin/queue';

/**
 * Redis answers: PING for one server; for a cluster, CLUSTER INFO must say the cluster is up
 * (a cluster with an unserved slot answers PING but refuses that slot's queues).
 */
async function redisAnswers(redis: RedisClient): Promise<void> {
  if (!redis.isCluster) {
    await redis.ping();
    return;
  }
  const info = await redis.cluster('INFO');
  if (!/^cluster_state:ok/m.test(String(info))) throw new Error('cluster state is not ok');
}

/** Liveness says the process serves HTTP; readiness says PostgreSQL and Redis answer. */
export function healthRouter(db: Database, redis: RedisClient): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
        return 'ok';
      } catch {
        return 'unavailable';
      }
    };
    const [postgres, redisState] = await Promise.all([check(() => db.prisma.$queryRaw`SELECT 1`), check(() => redisAnswers(redis))]);
    const ready = postgres === 'ok' && redisState === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, redis: redisState } });
  });
  return router;
}
