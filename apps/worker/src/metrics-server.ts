import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import type { Logger } from '@tocsin/config';
import type { Registry } from 'prom-client';

/**
 * Who may read a worker's /metrics: the api's rule (apps/api/src/metrics/access.ts), repeated
 * here because apps do not import one another. With TOCSIN_METRICS_TOKEN, a bearer; without,
 * loopback peers only, and none that came through a proxy.
 */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const digest = (value: string) => createHash('sha256').update(value).digest();

function allowed(remoteAddress: string | undefined, headers: IncomingHttpHeaders, token: string | undefined): 401 | 403 | 200 {
  if (token !== undefined) {
    const given = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
    return given !== undefined && timingSafeEqual(digest(given), digest(token)) ? 200 : 401;
  }
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined) return 403;
  return remoteAddress !== undefined && LOOPBACK.test(remoteAddress) ? 200 : 403;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics (and GET /healthz) on its own port: a worker has no other HTTP server, and
 * Prometheus scrapes each process. It listens on HOST (loopback unless set, as the api);
 * a scraper elsewhere needs HOST set and the token; without a token only loopback is answered.
 */
export async function startMetricsServer(registry: Registry, options: { port: number; host: string; token?: string; logger: Logger }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'method_not_allowed', message: 'Use GET.', details: [] }));
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'not_found', message: 'Only /metrics and /healthz are served here.', details: [] }));
      return;
    }
    const status = allowed(req.socket.remoteAddress, req.headers, options.token);
    if (status !== 200) {
      const message = status === 401 ? 'Send Authorization: Bearer <TOCSIN_METRICS_TOKEN>.' : 'Metrics are served to loopback only; set TOCSIN_METRICS_TOKEN to scrape from elsewhere.';
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message, details: [] } }));
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(text),
      (err: unknown) => {
        options.logger.warn({ err }, 'metrics: registry not rendered');
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal_error', message: 'Metrics could not be rendered.', details: [] } }));
      },
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger.info({ port }, 'worker metrics listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
