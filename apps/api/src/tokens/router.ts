import { Router } from 'express';
import { principalOf, requireScope } from '../auth/authenticate.js';
import { parseOrThrow } from '../errors.js';
import { createTokenBody, listTokensQuery, tokenIdParam } from './schema.js';
import type { TokenService } from './service.js';

/** API tokens (design §4): list, create (shown once), revoke. Every route needs the admin scope. */
export function tokensRouter(service: TokenService): Router {
  const router = Router();
  router.use('/v1/tokens', requireScope('admin'));

  router.get('/v1/tokens', async (req, res) => {
    parseOrThrow(listTokensQuery, req.query);
    res.json({ api_tokens: await service.list(principalOf(req)) });
  });
  router.post('/v1/tokens', async (req, res) => {
    const body = parseOrThrow(createTokenBody, req.body);
    res.status(201).json({ api_token: await service.create(principalOf(req), body) });
  });
  router.delete('/v1/tokens/:id', async (req, res) => {
    const { id } = parseOrThrow(tokenIdParam, req.params);
    res.json(await service.revoke(principalOf(req), id));
  });
  return router;
}
