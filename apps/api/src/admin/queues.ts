import { Router, type RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Database } from '@tocsin/db';
import { channelIds } from '@tocsin/channels';
import type { Producer } from '@tocsin/queue';
import { ApiError } from '../errors.js';
import { lookupSession, readCookie, sameOrigin, SESSION_COOKIE } from '../auth/session.js';
import { hasScope } from '../auth/tokens.js';

export const QUEUES_PATH = '/admin/queues';

/**
 * Operators only: a console session (auth/session.ts) whose token is an operator token
 * (admin/operators.ts) with the admin scope. A tenant's token, even an admin one, is refused.
 * The dashboard's own UI cannot send the console's CSRF header, so its state-changing requests
 * must come from this origin (SameSite=Strict already keeps the cookie off cross-site requests).
 */
export function requireOperator(db: Database): RequestHandler {
  return async (req, res, next) => {
    try {
      const secret = readCookie(req, SESSION_COOKIE);
      const session = secret === undefined ? undefined : await lookupSession(db, secret);
      // A person opening the dashboard in a browser is sent to sign in; anything else gets the error.
      if (!session && req.method === 'GET' && req.get('accept')?.includes('text/html')) return void res.redirect(303, '/console/');
      if (!session) throw new ApiError(401, 'unauthenticated', `Sign in at /console with an operator token to see ${QUEUES_PATH}.`);
      if (!session.operator || !hasScope(session.principal.scopes, 'admin')) throw new ApiError(403, 'operator_required', 'The queue dashboard needs an operator token with the admin scope.');
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !sameOrigin(req)) throw new ApiError(403, 'csrf_failed', 'Cross-site requests to the queue dashboard are refused.');
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** `/admin/queues`: bull-board over every channel's delivery queue (one per channel, packages/queue). */
export function queuesRouter(db: Database, producer: Producer): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: channelIds.map((id) => new BullMQAdapter(producer.queue(id))),
    // @bull-board/express 9.10.1 nests its own @bull-board/api 9.10.1 beside ours (9.10.2): the same class
    // twice to the compiler. Pinning both to one version removes the cast.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Tocsin queues' } },
  });
  const router = Router();
  router.use(QUEUES_PATH, requireOperator(db), (req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' });
    next();
  }, adapter.getRouter() as RequestHandler);
  return router;
}
