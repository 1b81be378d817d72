import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { metricsAccess, refusal, type Logger } from '@tocsin/config';
import type { Registry } from 'prom-client';

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
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'method_not_allowed', message: 'Use GET.', details: [] } }));
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only /metrics and /healthz are served here.', details: [] } }));
      return;
    }
    const access = metricsAccess(req.socket.remoteAddress, req.headers, options.token);
    if (access !== 'allowed') {
      const { status, body } = refusal(access);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
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
