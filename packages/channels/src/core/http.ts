import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import got, { type Request as GotRequest } from 'got';
import { EgressDeniedError } from './egress-error.js';
import { createGuardedLookup, type Resolver } from './egress-lookup.js';
import { createEgressPolicy, type EgressPolicy } from './egress-policy.js';
import { checkLiteralHost, parseEgressUrl } from './egress-url.js';
import { HttpTransportError, InvalidHeaderError, type HttpTransportErrorCode } from './http-error.js';
import { scrubError } from './http-scrub.js';
import { decodeUtf8Prefix } from './truncate.js';

/**
 * Request timeout, connect to last body byte. It must stay well below the worker's BullMQ
 * `lockDuration` (30 s by default): a request that outlives the lock lets the stalled-job checker
 * hand the job to another worker, and the event is delivered twice
 * (https://docs.bullmq.io/guide/jobs/stalled; reliability notes §2.1 and pitfall 6).
 * Standard Webhooks suggests 15–30 s for receivers; 10 s leaves room for the rest of the job.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * How much of a response body is read. Channels need a status word or a small JSON document
 * (Slack's `ok`, PagerDuty's `{"status":"success",...}`); anything longer is a receiver's error
 * page, and reading it all would let a receiver make a worker buffer without bound.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export const DEFAULT_USER_AGENT = 'Tocsin/0.1';

export interface HttpClientOptions {
  /**
   * CIDRs the egress guard lets through although the deny-list covers them: the operator's
   * `TOCSIN_EGRESS_ALLOW` (e.g. `10.0.0.0/8` for an on-premises SIEM, `127.0.0.0/8` in tests).
   * @defaultValue `[]` (only public addresses)
   */
  egressAllow?: readonly string[];
  /**
   * Whole-request timeout in milliseconds, from connect to the last byte of the body.
   * Keep it below the worker's job lock (see {@link DEFAULT_TIMEOUT_MS}).
   * @defaultValue 10_000
   */
  timeoutMs?: number;
  /**
   * Response bodies are read up to this many bytes; the rest is discarded unread and the
   * connection closed. @defaultValue 65_536
   */
  maxResponseBytes?: number;
  /** @defaultValue {@link DEFAULT_USER_AGENT} */
  userAgent?: string;
  /**
   * Resolves host names before the guard checks the answers. Tests inject one to play DNS
   * answers; nothing else should. @defaultValue the operating system's resolver
   */
  resolver?: Resolver;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most `maxResponseBytes` of the body, decoded as UTF-8. */
  body: string;
  /** True when the body was longer than `maxResponseBytes` and was cut. */
  truncated: boolean;
  /** From the start of the request to the end of reading the body. */
  durationMs: number;
}

/**
 * The only way channels reach the network. It never retries and never follows redirects: the
 * worker owns retries, and a redirect could point anywhere (3xx comes back as a response).
 *
 * @throws HttpTransportError when no response arrives (timeout, network, egress denied).
 * @throws InvalidHeaderError for a header with CR, LF or another control character.
 */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

// Visible ASCII, space and tab in values (RFC 9110 §5.5 field-value, minus obs-text); token
// characters in names (RFC 9110 §5.6.2).
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function assertHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) throw new InvalidHeaderError(name);
  }
}

function transportCode(error: unknown): HttpTransportErrorCode {
  const code = (error as { code?: unknown }).code;
  if (error instanceof EgressDeniedError || code === 'egress_denied' || (error as Error).cause instanceof EgressDeniedError) return 'egress_denied';
  if (code === 'ETIMEDOUT' || (error as Error).name === 'TimeoutError') return 'timeout';
  return 'network';
}

/** Wraps whatever got or the guard threw; nothing of the URL beyond its origin survives. */
function toTransportError(error: unknown, method: string, url: URL, timeoutMs: number): HttpTransportError {
  const code = transportCode(error);
  const cause = (error as Error).cause;
  const egress = error instanceof EgressDeniedError ? error : cause instanceof EgressDeniedError ? cause : undefined;
  const rawCode = (error as { code?: unknown }).code;
  const systemCode = typeof rawCode === 'string' ? rawCode : undefined;
  const detail = egress
    ? egress.message
    : code === 'timeout'
      ? `no complete response within ${timeoutMs} ms`
      : `connection failed${systemCode ? ` (${systemCode})` : ''}`;
  return new HttpTransportError(code, detail, {
    method,
    target: url.origin,
    systemCode,
    // EgressDeniedError messages name the host only; any other error is scrubbed of the URL.
    cause: egress ?? scrubError(error, url),
  });
}

/** The URL checks that must happen before got: syntax, and IP literals (Node skips `lookup` for them). */
function guardUrl(req: HttpRequest, policy: EgressPolicy): URL {
  let url: URL | undefined;
  try {
    url = parseEgressUrl(req.url);
    checkLiteralHost(url, policy);
    return url;
  } catch (error) {
    const egress = error as EgressDeniedError;
    throw new HttpTransportError('egress_denied', egress.message, {
      method: req.method,
      target: url?.origin ?? '(invalid URL)',
      systemCode: egress.code,
      cause: error,
    });
  }
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const policy = createEgressPolicy(options.egressAllow ?? []);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  const client = got.extend({
    // One retry layer: the worker's (design §1, style "Behaviour").
    retry: { limit: 0 },
    followRedirect: false,
    throwHttpErrors: false,
    timeout: { request: timeoutMs },
    dnsLookup: createGuardedLookup(policy, options.resolver),
    // Our own agents: got and Node 20 ignore HTTP(S)_PROXY, and own agents keep a process-wide
    // replacement of http.globalAgent (global-agent, proxy-agent) from routing around the guard.
    agent: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
    http2: false,
    headers: { 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT },
  });

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const url = guardUrl(req, policy);
    if (req.headers) assertHeaders(req.headers);

    return await new Promise<HttpResponse>((resolve, reject) => {
      const stream: GotRequest = client.stream(url, {
        method: req.method,
        ...(req.headers ? { headers: req.headers } : {}),
        // In stream mode got waits for a request body to be piped in: an empty POST must say so.
        ...(req.body !== undefined ? { body: req.body } : req.method === 'GET' ? {} : { body: '' }),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      let settled = false;
      let status = 0;
      let headers: HttpResponse['headers'] = {};

      const finish = (): void => {
        if (settled) return;
        settled = true;
        resolve({
          status,
          headers,
          body: decodeUtf8Prefix(Buffer.concat(chunks)),
          truncated,
          durationMs: Math.round(performance.now() - started),
        });
      };

      stream.on('response', (response: http.IncomingMessage) => {
        status = response.statusCode ?? 0;
        headers = { ...response.headers };
      });
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = maxResponseBytes - size;
        if (chunk.length <= room) {
          chunks.push(chunk);
          size += chunk.length;
          return;
        }
        // Keep the prefix, stop reading: the rest could be unbounded.
        chunks.push(chunk.subarray(0, room));
        size += room;
        truncated = true;
        finish();
        stream.destroy();
      });
      stream.on('end', finish);
      stream.on('error', (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(toTransportError(error, req.method, url, timeoutMs));
      });
    });
  }

  return { request };
}
