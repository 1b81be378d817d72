import { Router } from 'express';
import { principalOf, requireScope } from '../auth/authenticate.js';
import { ApiError, parseOrThrow } from '../errors.js';
import { batchInput, eventInput, type EventInput } from './schema.js';
import type { Ingestor } from './service.js';
import type { Ingested } from '../metrics/router.js';

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
}

export function ingestRouter(ingestor: Ingestor): Router {
  const router = Router();
  router.post('/v1/events', requireScope('events:write'), async (req, res) => {
    const principal = principalOf(req);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new ApiError(400, 'invalid_request', 'The body must be one event object or {"events": [...]}.');
    }
    const batch = isBatch(req.body);
    const inputs: EventInput[] = batch
      ? parseOrThrow(batchInput, req.body).events.map((e, i) => parseOrThrow(eventInput, e, ['events', i]))
      : [parseOrThrow(eventInput, req.body)];
    inputs.forEach((e, i) => {
      if (e.tenant_id !== undefined && e.tenant_id !== principal.tenantId) {
        throw new ApiError(403, 'tenant_mismatch', "tenant_id does not match the caller's tenant.", [
          { path: batch ? `events.${i}.tenant_id` : 'tenant_id', message: 'must be your own tenant' },
        ]);
      }
    });
    const results = await ingestor.ingest(principal.tenantId, inputs);
    const duplicate = results.filter((r) => r.duplicate).length;
    res.locals.ingested = { accepted: results.length - duplicate, duplicate } satisfies Ingested; // for the counters (metrics/router.ts)
    res.status(202).json(batch ? { accepted: results.length, events: results } : results[0]);
  });
  return router;
}
