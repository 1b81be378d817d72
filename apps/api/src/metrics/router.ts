import { Router, type Request, type Response } from 'express';
import type { Database } from '@tocsin/db';
import type { Producer } from '@tocsin/queue';
import { metricsAccess, refusal, type Logger } from '@tocsin/config';
import { createApiMetrics, type ApiMetrics } from './registry.js';
import { refreshGauges } from './scrape.js';

export interface MetricsDeps {
  db: Database;
  producer: Producer;
  logger: Logger;
  /** TOCSIN_METRICS_TOKEN: unset, /metrics answers loopback only (access.ts). */
  metricsToken?: string;
  /** A registry to fill (tests); a new one otherwise. */
  metrics?: ApiMetrics;
}

/** What the ingest route tells the counters about an accepted request (res.locals.ingested). */
export interface Ingested {
  accepted: number;
  duplicate: number;
}

/** POST /v1/events as Express routes it (letter case and a trailing slash do not matter). */
const INGEST_PATH = /^\/v1\/events\/?$/i;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Paths polled by machines: logged at debug, not once per probe at info. */
const PROBES = new Set(['/metrics', '/healthz', '/readyz']);

function ingestOutcome(status: number): string {
  if (status === 202) return 'accepted';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'error';
  return 'refused';
}

/**
 * Mounted first: counts and logs every answer (one JSON line with the request id), and serves
 * GET /metrics in the Prometheus text format with the scrape-time gauges refreshed.
 */
export function metricsRouter(deps: MetricsDeps): Router {
  const metrics = deps.metrics ?? createApiMetrics();
  const router = Router();
  router.use((req: Request, res: Response, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      metrics.httpRequests.inc({ method, code: String(res.statusCode) });
      if (req.method === 'POST' && INGEST_PATH.test(req.path)) {
        metrics.ingestRequests.inc({ outcome: ingestOutcome(res.statusCode) });
        const ingested = res.locals.ingested as Ingested | undefined;
        if (ingested) {
          metrics.ingestEvents.inc({ outcome: 'accepted' }, ingested.accepted);
          metrics.ingestEvents.inc({ outcome: 'duplicate' }, ingested.duplicate);
        }
      }
      const line = { requestId: req.id, method: req.method, path: req.path, status: res.statusCode, durationMs: Number(process.hrtime.bigint() - started) / 1e6 };
      if (PROBES.has(req.path)) deps.logger.debug(line, 'request');
      else deps.logger.info(line, 'request');
    });
    next();
  });
  router.get('/metrics', async (req, res) => {
    const access = metricsAccess(req.socket.remoteAddress, req.headers, deps.metricsToken);
    if (access !== 'allowed') {
      const { status, body } = refusal(access);
      res.status(status).json(body);
      return;
    }
    await refreshGauges(metrics, deps);
    res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store').send(await metrics.registry.metrics());
  });
  return router;
}
