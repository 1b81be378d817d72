/**
 * The one place that decides whether a response or a transport failure is delivered, worth
 * retrying, or permanent (style "Behaviour"; Alertmanager's Retrier, Vector's RetryAction).
 * Channels add their quirks through `retryOn` or by inspecting a 2xx body before calling
 * {@link classifyStatus}; they never write their own retry rules.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';
import { HttpTransportError } from './http-error.js';
import type { Outcome } from './outcome.js';
import type { FailureReason } from './reasons.js';
import { parseRetryAfter } from './retry-after.js';
import { truncateUtf8 } from './truncate.js';

export { parseRetryAfter, RETRY_AFTER_MAX_MS } from './retry-after.js';

/**
 * Statuses worth another attempt. 408 and 429 say "later"; 500, 502, 503 and 504 are the
 * receiver's or a gateway's trouble (channels.md §2; Standard Webhooks delivery guidance). Every
 * other 5xx is retried too, as `server_error`.
 */
export const RETRYABLE_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/**
 * How much of a response body goes on the outcome and into the attempt log: enough for any
 * vendor's error document, small enough to keep attempt rows small.
 */
export const OUTCOME_BODY_MAX_BYTES = 4 * 1024;

export interface ClassifyOptions {
  /** Extra statuses a channel retries, e.g. PagerDuty Events v1's 403. */
  retryOn?: readonly number[];
  /** The clock for HTTP-date `Retry-After` values. @defaultValue `new Date()` */
  now?: Date;
}

/** The failure reason a status stands for, whether or not it is retried. */
export function reasonForStatus(status: number): FailureReason {
  if (status === 401 || status === 403) return 'auth_error';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status >= 400 && status <= 499) return 'client_error';
  if (status >= 500 && status <= 599) return 'server_error';
  // 1xx that reached us, 3xx (redirects are not followed) and anything outside the HTTP range.
  return 'unexpected_response';
}

const describe = (status: number): string => {
  const text = STATUS_CODES[status];
  const base = text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
  return status >= 300 && status <= 399 ? `${base}: redirects are not followed` : base;
};

/** Classifies an HTTP response. The body is truncated to {@link OUTCOME_BODY_MAX_BYTES}. */
export function classifyStatus(status: number, headers: HttpResponse['headers'], body: string, options: ClassifyOptions = {}): Outcome {
  const kept = truncateUtf8(body, OUTCOME_BODY_MAX_BYTES);
  if (status >= 200 && status <= 299) return { kind: 'delivered', status, body: kept };

  const reason = reasonForStatus(status);
  const message = describe(status);
  const retryable = (status >= 500 && status <= 599) || RETRYABLE_STATUSES.includes(status) || (options.retryOn ?? []).includes(status);
  if (!retryable) return { kind: 'permanent', reason, message, status, body: kept };

  const retryAfterMs = parseRetryAfter(headers['retry-after'], options.now);
  return { kind: 'retryable', reason, message, status, body: kept, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** Classifies a request that got no response: timeouts and network errors are retried, the egress guard's refusal is not. */
export function classifyTransportError(error: HttpTransportError): Outcome {
  switch (error.code) {
    case 'timeout':
      return { kind: 'retryable', reason: 'timeout', message: error.message };
    case 'network':
      return { kind: 'retryable', reason: 'network', message: error.message };
    case 'egress_denied':
      return { kind: 'permanent', reason: 'egress_denied', message: error.message };
  }
}

/**
 * Sends one request and classifies the result. Never throws for a destination failure; an
 * {@link InvalidHeaderError} or another programming error propagates.
 */
export async function sendAndClassify(http: HttpClient, req: HttpRequest, options: ClassifyOptions = {}): Promise<Outcome> {
  let response: HttpResponse;
  try {
    response = await http.request(req);
  } catch (error) {
    if (error instanceof HttpTransportError) return classifyTransportError(error);
    throw error;
  }
  return classifyStatus(response.status, response.headers, response.body, options);
}
