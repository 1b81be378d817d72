import { Router } from 'express';
import { principalOf, requireScope } from '../auth/authenticate.js';
import { parseInput } from '../errors.js';
import { deliveryIdParam, deliveryListQuery, recoverBody, retryBody, sinkDeliveriesParams } from './schema.js';
import { DeliveryService, type DeliveryServiceDeps } from './service.js';

/**
 * The delivery log and manual re-sends. Every input is parsed before any transaction; re-sends
 * answer 202: the delivery is queued again, the send itself happens in a worker.
 */
export function deliveriesRouter(deps: DeliveryServiceDeps): Router {
  const service = new DeliveryService(deps);
  const router = Router();
  const admin = requireScope('sinks:admin');

  router.get('/v1/event_sink/:id/deliveries', admin, async (req, res) => {
    const { id } = parseInput(sinkDeliveriesParams, req.params, 'params');
    const query = parseInput(deliveryListQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await service.list(principalOf(req), id, query));
  });
  router.post('/v1/event_sink/:id/recover', admin, async (req, res) => {
    const { id } = parseInput(sinkDeliveriesParams, req.params, 'params');
    const body = parseInput(recoverBody, req.body, 'body');
    res.status(202).json(await service.recover(principalOf(req), id, body));
  });
  router.get('/v1/deliveries/:id', admin, async (req, res) => {
    const { id } = parseInput(deliveryIdParam, req.params, 'params');
    res.set('Cache-Control', 'no-store').json({ delivery: await service.get(principalOf(req), id) });
  });
  router.post('/v1/deliveries/:id/retry', admin, async (req, res) => {
    const { id } = parseInput(deliveryIdParam, req.params, 'params');
    parseInput(retryBody, req.body, 'body');
    res.status(202).json({ delivery: await service.retry(principalOf(req), id) });
  });
  return router;
}
