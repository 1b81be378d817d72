import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { EgressPolicy, SenderCache } from '@tocsin/channels';
import type { Database, SecretBox } from '@tocsin/db';
import type { Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import { authenticate, type BearerVerifier } from './auth/authenticate.js';
import type { AuthChanges } from './auth/auth-changes.js';
import { ApiError, errorHandler, notFound } from './errors.js';
import { jsonBody } from './json/body.js';
import { metricsRouter } from './metrics/router.js';
import { catalogRouter } from './catalog/router.js';
import { eventsRouter } from './events/router.js';
import { healthRouter } from './health/router.js';
import { ingestRouter } from './ingest/router.js';
import { Ingestor } from './ingest/service.js';
import { openapiRouter } from './openapi/router.js';
import { ConfigAudit } from './audit/config-audit.js';
import { deliveriesRouter } from './deliveries/router.js';
import type { SinkCache } from './sinks/cache.js';
import { sinksRouter } from './sinks/router.js';
import { SinkService } from './sinks/service.js';
import { retentionRouter } from './retention/router.js';
import { tokensRouter } from './tokens/router.js';
import { consoleSessionRouter } from './console/session-router.js';
import { consoleStatic } from './console/static.js';
import { queuesRouter } from './admin/queues.js';
import { TokenService } from './tokens/service.js';

export interface ApiDeps {
  db: Database;
  box: SecretBox;
  producer: Producer;
  cache: SinkCache;
  egress: EgressPolicy;
  /** Channels' HTTP clients and operator settings (creation hooks, test sends). */
  senders: SenderCache;
  logger: Logger;
  relayGraceMs: number;
  /** Verifies bearer credentials that are not API tokens (user JWTs). */
  jwt?: BearerVerifier;
  /** Token revocations and plan changes, shared with every other api process. */
  authChanges?: AuthChanges;
  /** Signs Events API cursors (see events/cursor-key.ts). */
  cursorKey: Buffer;
  /** Events API: bound on an ingest transaction's duration. @defaultValue 10000 */
  eventsSettleMs?: number;
  /** TOCSIN_METRICS_TOKEN: bearer for GET /metrics; unset, it answers loopback only. */
  metricsToken?: string;
}

/** Largest accepted body (design: a body over 1 MiB is refused with 413). */
export const BODY_LIMIT = '1mb';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: hashing each body costs a pass over it, and they are read once (the
  // console's static files keep theirs: serve-static sets its own).
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.set('X-Request-Id', req.id);
    next();
  });
  app.use(metricsRouter(deps)); // counts and logs every answer; GET /metrics, outside the api's authentication (metricsAccess in @tocsin/config)
  app.use(healthRouter(deps.db, deps.producer.store));
  // The console (/console, its session at /console/session) and the queue dashboard: not API operations, so before the route gate.
  app.use(consoleSessionRouter(deps.db));
  app.use(consoleStatic());
  app.use(queuesRouter(deps.db, deps.producer));
  app.use(openapiRouter()); // /openapi.json, /docs, then 404/405 for what no route serves, before authentication
  app.use((req, _res, next) => {
    // req.is answers null for a request without a body (no Content-Length, no Transfer-Encoding).
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.headers['content-length'] !== '0' && req.is('application/json') === false) {
      next(new ApiError(415, 'unsupported_media_type', 'Send Content-Type: application/json.'));
      return;
    }
    next();
  });
  // Strict JSON for every route: no duplicate keys, inexact numbers, NULs, lone surrogates or deep nesting (json/strict-json.ts).
  app.use(jsonBody(BODY_LIMIT));
  app.use(authenticate(deps));
  const ingestor = new Ingestor(deps);
  const audit = new ConfigAudit(ingestor, deps.logger);
  app.use(ingestRouter(ingestor));
  app.use(sinksRouter(new SinkService({ ...deps, audit })));
  app.use(tokensRouter(new TokenService({ ...deps, audit })));
  app.use(deliveriesRouter({ ...deps, audit }));
  app.use(retentionRouter({ ...deps, audit }));
  app.use(eventsRouter(deps));
  app.use(catalogRouter());
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
