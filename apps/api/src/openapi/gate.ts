import type { RequestHandler } from 'express';
import { ApiError } from '../errors.js';
import { RouteIndex, servedRoutes } from './served-routes.js';

/**
 * Answers requests no route serves before authentication runs, so an unknown path is 404
 * `not_found` with or without a token, and a known path with another method is 405
 * `method_not_allowed` with `Allow` (RFC 9110 §15.5.6). The index is read from the app's own
 * routers on the first request, once every router is registered. Anything answered by
 * middleware alone (the /docs assets) must come before this gate.
 */
export function routeGate(): RequestHandler {
  let index: RouteIndex | undefined;
  return (req, _res, next) => {
    index ??= new RouteIndex(servedRoutes(req.app));
    const allowed = index.methodsAt(req.path);
    if (allowed.length === 0) {
      next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}.`));
    } else if (!allowed.includes(req.method)) {
      next(new ApiError(405, 'method_not_allowed', `${req.path} does not take ${req.method}; it takes ${allowed.join(', ')}.`, [], { Allow: allowed.join(', ') }));
    } else {
      next();
    }
  };
}
