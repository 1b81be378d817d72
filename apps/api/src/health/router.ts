import { Router } from 'express';
import type { Database } from '@tocsin/db';
import type { Redis } from 'ioredis';

/** Liveness says the process serves HTTP; readiness says PostgreSQL and Redis answer. */
export function healthRouter(db: Database, redis: Redis): Router {
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
    const [postgres, redisState] = await Promise.all([check(() => db.prisma.$queryRaw`SELECT 1`), check(() => redis.ping())]);
    const ready = postgres === 'ok' && redisState === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, redis: redisState } });
  });
  return router;
}
