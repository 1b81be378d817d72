import { Router } from 'express';
import type { Database } from '@tocsin/db';
import type { QueueStore } from '@tocsin/queue';

/**
 * Liveness says the process serves HTTP; readiness says PostgreSQL and the queue store answer:
 * `checks.redis`, or `checks.queue` when the queues live in PostgreSQL (their own pool).
 */
export function healthRouter(db: Database, store: QueueStore): Router {
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
    const [postgres, queue] = await Promise.all([check(() => db.prisma.$queryRaw`SELECT 1`), check(() => store.ping())]);
    const ready = postgres === 'ok' && queue === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, [store.kind === 'redis' ? 'redis' : 'queue']: queue } });
  });
  return router;
}
