import { Router } from 'express';
import { principalOf, requireScope } from '../auth/authenticate.js';
import { parseInput, parseOrThrow } from '../errors.js';
import { createSinkBody, listSinksQuery, sinkIdParam, updateSinkBody } from './schema.js';
import type { SinkService } from './service.js';

export function sinksRouter(service: SinkService): Router {
  const router = Router();
  router.use('/v1/event_sink', requireScope('sinks:admin'));

  router.post('/v1/event_sink', async (req, res) => {
    const body = parseOrThrow(createSinkBody, req.body);
    res.status(201).json({ event_sink: await service.create(principalOf(req), body) });
  });
  router.get('/v1/event_sink', async (req, res) => {
    const query = parseInput(listSinksQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await service.list(principalOf(req), query));
  });
  router.get('/v1/event_sink/:id', async (req, res) => {
    const { id } = parseOrThrow(sinkIdParam, req.params);
    res.json({ event_sink: await service.get(principalOf(req), id) });
  });
  router.put('/v1/event_sink/:id', async (req, res) => {
    const { id } = parseOrThrow(sinkIdParam, req.params);
    const body = parseOrThrow(updateSinkBody, req.body);
    res.json({ event_sink: await service.update(principalOf(req), id, body) });
  });
  router.post('/v1/event_sink/:id/test', async (req, res) => {
    const { id } = parseOrThrow(sinkIdParam, req.params);
    res.json({ test: await service.test(principalOf(req), id) });
  });
  router.delete('/v1/event_sink/:id', async (req, res) => {
    const { id } = parseOrThrow(sinkIdParam, req.params);
    res.json(await service.delete(principalOf(req), id));
  });
  return router;
}
