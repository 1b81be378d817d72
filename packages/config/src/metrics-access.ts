import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may read /metrics, on the api and on each worker. The numbers hold no secret and nothing a tenant owns (aggregates per
 * channel), but traffic volumes and backlogs are nobody else's business either:
 * - with TOCSIN_METRICS_TOKEN set, a request must carry `Authorization: Bearer <token>`;
 * - without it, only a peer on loopback (a Prometheus agent on the host, a sidecar) is answered,
 *   and not one that came through a proxy (X-Forwarded-For, Forwarded): a reverse proxy on the
 *   same host would otherwise make the whole internet look like loopback.
 */
export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

const digest = (value: string) => createHash('sha256').update(value).digest();

export function metricsAccess(remoteAddress: string | undefined, headers: IncomingHttpHeaders, token: string | undefined): MetricsAccess {
  if (token !== undefined) {
    const given = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    return given !== undefined && timingSafeEqual(digest(given), digest(token)) ? 'allowed' : 'unauthorized';
  }
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined) return 'forbidden';
  return remoteAddress !== undefined && LOOPBACK.test(remoteAddress) ? 'allowed' : 'forbidden';
}

/** The public error body for a refused scrape (`{"error": {code, message, details}}`, as every api error). */
export function refusal(access: Exclude<MetricsAccess, 'allowed'>): { status: number; body: { error: { code: string; message: string; details: [] } } } {
  return access === 'unauthorized'
    ? { status: 401, body: { error: { code: 'unauthorized', message: 'Send Authorization: Bearer <TOCSIN_METRICS_TOKEN>.', details: [] } } }
    : { status: 403, body: { error: { code: 'forbidden', message: 'Metrics are served to loopback only; set TOCSIN_METRICS_TOKEN to scrape from elsewhere.', details: [] } } };
}
