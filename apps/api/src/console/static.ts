import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import express, { Router } from 'express';

/** Where `npm run console:build` (vite build in apps/console) writes the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/** The console's own files only: it calls the api on the same origin and loads nothing else. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const HEADERS = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' };

/**
 * `GET /console/…`: the built files, and index.html for every other path under /console (the
 * console's client-side routes). Without a build it says how to make one. The directory is
 * looked up per request, so a build made while the api runs is served without a restart.
 */
export function consoleStatic(dist = CONSOLE_DIST): Router {
  const router = Router();
  const files = express.static(dist, { index: false, fallthrough: true, maxAge: '1h', immutable: false });
  const index = path.join(dist, 'index.html');
  router.use('/console', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path.startsWith('/session')) return next();
    res.set(HEADERS);
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built. Run `npm run console:build` (vite build in apps/console), then reload.\n');
      return;
    }
    if (req.path.startsWith('/assets/')) return files(req, res, () => res.status(404).type('text/plain').send('Not found.\n'));
    if (path.extname(req.path) !== '' && req.path !== '/') return files(req, res, next);
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
