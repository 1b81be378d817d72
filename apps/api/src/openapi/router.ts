import express, { Router } from 'express';
import { routeGate } from './gate.js';
import { ASSETS_PATH, DOCS_CSP, DOCS_HTML, INIT_FILE, INIT_SCRIPT, SWAGGER_UI_FILES, swaggerUiDir } from './docs-page.js';
import { buildDocument } from './document.js';
import { ROUTES } from './routes.js';

/**
 * `GET /openapi.json`, `GET /docs` and its assets, all without a token; then the route gate,
 * which answers unknown paths and methods before authentication. Mount it before `authenticate`.
 */
export function openapiRouter(): Router {
  const document = JSON.stringify(buildDocument(ROUTES));
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    res.set({ 'Content-Security-Policy': DOCS_CSP, 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' }).type('html').send(DOCS_HTML);
  });
  // The page's assets are files, not API operations: middleware, so the document does not list them.
  const assets = express.static(swaggerUiDir(), { index: false, fallthrough: true, maxAge: '1h' });
  router.use(ASSETS_PATH, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.set({ 'Content-Security-Policy': DOCS_CSP, 'X-Content-Type-Options': 'nosniff' });
    const file = req.path.slice(1);
    if (file === INIT_FILE) return void res.type('text/javascript').send(INIT_SCRIPT);
    if (!SWAGGER_UI_FILES.has(file)) return next();
    assets(req, res, next);
  });
  router.use(routeGate());
  return router;
}
