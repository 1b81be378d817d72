import { Router } from 'express';
import { ApiError, type ErrorDetail } from '../errors.js';
import { principalOf } from '../auth/authenticate.js';
import { presentCatalog } from './present.js';
import { catalogQuery, type CatalogQuery } from './schema.js';

/** Parses the filters; a misspelt parameter is named in the details like a bad value. */
function parseCatalogQuery(query: unknown): CatalogQuery {
  const result = catalogQuery.safeParse(query);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue): ErrorDetail[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'is not a parameter of this endpoint (category, push, source)', code: issue.code }))
      : [{ path: issue.path.join('.') || '(query)', message: issue.message, code: issue.code }],
  );
  throw new ApiError(400, 'invalid_request', 'The query has invalid parameters.', details);
}

/**
 * `GET /v1/catalog?category=&push=&source=`: every typed event (the curated push catalog,
 * VaultPAM's public catalog, Tocsin's own configuration events) and VaultPAM's vocabularies.
 *
 * Any authenticated caller may read it, whatever its scopes: producers (`events:write`) need
 * the action strings, sink admins the constants and push eligibility, readers (`events:read`,
 * user JWTs) what a record's action means. It holds no tenant data and is the same for every
 * tenant and plan; it is published as docs/catalog.md already.
 */
export function catalogRouter(): Router {
  const router = Router();
  router.get('/v1/catalog', (req, res) => {
    principalOf(req);
    res.json(presentCatalog(parseCatalogQuery(req.query)));
  });
  return router;
}
