import { perDelivery, type OpenDeps, type Resolved, type Sender } from '../core/channel.js';
import { classifyStatus, classifyTransportError } from '../core/classify.js';
import type { HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { secretScrubber } from '../core/scrub.js';
import { alertsEndpoint, type OpsgenieConfig, type OpsgenieRegion } from './config.js';
import { truncateChars } from '../core/truncate.js';
import { renderOpsgenieAlert } from './render.js';
import { jsonObject } from '../core/json.js';

/** How much of Opsgenie's own `message` (and `errors`) goes into the outcome message. */
export const VENDOR_MESSAGE_MAX_LENGTH = 300;
/** Longest outcome message. */
export const OUTCOME_MESSAGE_MAX_LENGTH = 1_000;
const HEADER_VALUE_MAX_LENGTH = 64;

const oneLine = (text: string, max: number): string => truncateChars(text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim(), max, '…');

const headerOf = (headers: HttpResponse['headers'], name: string): string | undefined => {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : oneLine(first, HEADER_VALUE_MAX_LENGTH);
};

/**
 * Opsgenie's error document: `{"message": "...", "errors": {"<field>": "..."}, "took", "requestId"}`
 * (opsgenie-oas ErrorResponse; a real 422 is in fixtures/). The fields, not free text, are read.
 */
function vendorMessage(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  const parsed = jsonObject(body);
  if (parsed === undefined) return undefined;
  const { message, errors } = parsed;
  const parts: string[] = [];
  if (typeof message === 'string' && message.trim() !== '') parts.push(message);
  if (errors !== null && typeof errors === 'object' && !Array.isArray(errors)) {
    const fields = Object.entries(errors as Record<string, unknown>)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([field, text]) => `${field}: ${text}`);
    if (fields.length > 0) parts.push(`(${fields.join('; ')})`);
  }
  return parts.length === 0 ? undefined : oneLine(parts.join(' '), VENDOR_MESSAGE_MAX_LENGTH);
}

function authHint(region: OpsgenieRegion): string {
  if (region === 'jsm') return 'check the API key: JSM Operations takes the API key of a JSM API integration, not an Atlassian API token';
  return 'check the API key and the region: an Opsgenie account lives in one instance, and an EU key gets 401 on the US host (and the other way round); the key must be an API integration’s';
}

/**
 * `X-RateLimit-Period-In-Sec` names the rolling window (seconds or minutes) whose bucket ran out
 * (https://docs.opsgenie.com/docs/api-rate-limiting), not a time to wait: it is reported in the
 * message and never used as a delay. Only `Retry-After`, if Opsgenie ever sends one, sets
 * `retryAfterMs` (the shared rules); otherwise the worker's backoff applies.
 */
function rateLimitNote(headers: HttpResponse['headers']): string {
  const parts: string[] = [];
  for (const name of ['x-ratelimit-state', 'x-ratelimit-reason', 'x-ratelimit-period-in-sec']) {
    const value = headerOf(headers, name);
    if (value !== undefined) parts.push(`${name}: ${value}`);
  }
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * Opsgenie's answers on top of the shared rules (core/classify.ts): any 2xx is delivered (202
 * "Request will be processed": accepted, processed asynchronously); 400 and 422 are permanent
 * `client_error`, 401 and 403 permanent `auth_error`, 429 retryable `rate_limited`, 5xx
 * retryable. This adds only the words: Opsgenie's `message`/`errors`, an auth hint, the
 * rate-limit headers. The key is removed from anything kept, should a proxy ever echo it.
 */
export function classifyOpsgenieResponse(response: HttpResponse, options: { now: Date; region: OpsgenieRegion; apiKey: string }): Outcome {
  const redact = secretScrubber([options.apiKey]);
  const outcome = classifyStatus(response.status, response.headers, redact(response.body), { now: options.now });
  if (outcome.kind === 'delivered') return outcome;

  let message = outcome.message;
  const vendor = vendorMessage(response.body);
  if (vendor !== undefined) message += `: ${vendor}`;
  if (outcome.reason === 'auth_error') message += ` — ${authHint(options.region)}`;
  if (response.status === 429) message += rateLimitNote(response.headers);
  return { ...outcome, message: redact(truncateChars(message, OUTCOME_MESSAGE_MAX_LENGTH, '…')) };
}

/** POSTs one alert per delivery to the region's endpoint with `Authorization: GenieKey <key>`. */
export function openOpsgenie(config: Resolved<OpsgenieConfig, 'api_key'>, { http }: OpenDeps): Sender {
  const url = alertsEndpoint(config);
  const region = config.region ?? 'us';
  return perDelivery(async ({ event }, ctx) => {
    const apiKey = config.api_key.reveal();
    const alert = renderOpsgenieAlert(event, { sinkId: ctx.sink.sinkId, responders: config.responders, tags: config.tags });
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `GenieKey ${apiKey}` };
    let response: HttpResponse;
    try {
      response = await http.request({ method: 'POST', url, headers, body: JSON.stringify(alert) });
    } catch (error) {
      if (error instanceof HttpTransportError) return classifyTransportError(error);
      throw error;
    }
    return classifyOpsgenieResponse(response, { now: ctx.now(), region, apiKey });
  });
}
