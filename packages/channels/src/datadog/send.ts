import { gzip, JSON_ARRAY_FRAMING, jsonArray, splitBatch } from '../core/batch.js';
import type { DeliveryItem, OpenDeps, Resolved, Sender } from '../core/channel.js';
import { classifyStatus, classifyTransportError } from '../core/classify.js';
import type { HttpClient, HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { secretScrubber } from '../core/scrub.js';
import { utf8Length } from '../core/truncate.js';
import { DATADOG_DEFAULT_SERVICE, DATADOG_DEFAULT_SOURCE, datadogEndpoint, type DatadogConfig } from './config.js';
import { jsonObject } from '../core/json.js';
import {
  DATADOG_PAYLOAD_MAX_BYTES,
  DATADOG_PAYLOAD_MAX_ITEMS,
  renderDatadogLog,
} from './render.js';

/** How much of Datadog's `errors[]` text goes into an outcome message. */
export const DATADOG_ERROR_MESSAGE_MAX_CHARS = 500;

/**
 * How many times one send may halve a request that got 413. The pre-split keeps every request
 * within the documented 5 MB, so a 413 means something in front of Datadog (a proxy at
 * `api_url`) has a smaller limit: halving finds it in a few steps (5 MB → 625 KB is 7 halvings).
 * The bound keeps a receiver that answers 413 to everything from costing ~2 requests per item.
 */
export const DATADOG_MAX_413_SPLITS = 16;

/**
 * Datadog's error documents: `{"errors":[{"status","title","detail"}]}` (`HTTPLogErrors`, the
 * OpenAPI of `POST /api/v2/logs`) or the API-wide `{"errors":["…"]}` (`APIErrorResponse`).
 * Read for the message, never matched on.
 */
export function datadogErrorText(body: string): string | undefined {
  const errors = jsonObject(body)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const parts = errors
    .map((error) => {
      if (typeof error === 'string') return error;
      if (typeof error !== 'object' || error === null) return undefined;
      const { title, detail } = error as { title?: unknown; detail?: unknown };
      return [title, detail].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(': ');
    })
    .filter((part): part is string => part !== undefined && part.trim() !== '');
  if (parts.length === 0) return undefined;
  const text = parts.join('; ').replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return text.length <= DATADOG_ERROR_MESSAGE_MAX_CHARS ? text : `${text.slice(0, DATADOG_ERROR_MESSAGE_MAX_CHARS - 1)}…`;
}

/**
 * The shared rules (202 delivered; 400 permanent; 401/403 auth; 408/429/5xx retried with
 * Retry-After; 413 permanent), with Datadog's error text in the message. The API key is removed
 * from the body before anything is kept, and from the message after the text is parsed (a key
 * echoed inside a JSON string is escaped differently in the raw body than in the parsed text).
 */
export function classifyDatadog(response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, scrub: (text: string) => string, now: Date): Outcome {
  const body = scrub(response.body);
  const outcome = classifyStatus(response.status, response.headers, body, { now });
  if (outcome.kind === 'delivered') return outcome;
  const text = datadogErrorText(body);
  return text === undefined ? outcome : { ...outcome, message: scrub(`${outcome.message}: ${text}`) };
}

interface Request {
  http: HttpClient;
  url: string;
  apiKey: string;
  scrub: (text: string) => string;
  now: Date;
}

/** One gzipped POST of some logs; never throws for a destination failure. */
async function post(req: Request, logs: readonly string[]): Promise<Outcome> {
  const body = await gzip(jsonArray(logs));
  const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'DD-API-KEY': req.apiKey };
  let response: HttpResponse;
  try {
    response = await req.http.request({ method: 'POST', url: req.url, headers, body });
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    const outcome = classifyTransportError(error);
    return outcome.kind === 'delivered' ? outcome : { ...outcome, message: req.scrub(outcome.message) };
  }
  return classifyDatadog(response, req.scrub, req.now);
}

/**
 * Sends the logs of `[start, end)` and writes each one's outcome. A 413 for several logs halves
 * the run and sends both halves (while the split budget lasts); a 413 for one log is permanent
 * `payload_too_large`, as classified.
 */
async function deliverRun(req: Request, logs: readonly string[], start: number, end: number, outcomes: Outcome[], budget: { splits: number }): Promise<void> {
  const outcome = await post(req, logs.slice(start, end));
  if (outcome.kind !== 'delivered' && outcome.status === 413 && end - start > 1) {
    if (budget.splits > 0) {
      budget.splits -= 1;
      const mid = start + Math.ceil((end - start) / 2);
      await deliverRun(req, logs, start, mid, outcomes, budget);
      await deliverRun(req, logs, mid, end, outcomes, budget);
      return;
    }
    // Out of halvings: the worker may regroup these deliveries on their next attempt.
    const retry: Outcome = { kind: 'retryable', reason: 'payload_too_large', message: `${outcome.message}: ${end - start} logs refused together, not split further in this attempt`, status: 413, ...(outcome.body === undefined ? {} : { body: outcome.body }) };
    outcomes.fill(retry, start, end);
    return;
  }
  outcomes.fill(outcome, start, end);
}

/**
 * POSTs a batch of one sink's deliveries as gzipped JSON arrays of logs to `/api/v2/logs`. The
 * rendered logs are split into requests of at most 1,000 logs and 5,000,000 bytes before
 * compression, sent one after the other; each request's outcome goes to its own deliveries.
 * Datadog has no idempotency key: a retried batch that had been accepted is ingested twice.
 */
export function openDatadog(config: Resolved<DatadogConfig, 'api_key'>, { http }: OpenDeps): Sender {
  const url = datadogEndpoint(config);
  const service = config.service ?? DATADOG_DEFAULT_SERVICE;
  const source = config.source ?? DATADOG_DEFAULT_SOURCE;
  const tags = config.tags ?? [];
  return {
    async send(items: readonly DeliveryItem[], ctx): Promise<Outcome[]> {
      const apiKey = config.api_key.reveal();
      const now = ctx.now();
      const req: Request = { http, url, apiKey, scrub: secretScrubber([apiKey], { ignoreCase: true }), now };
      const logs = items.map(({ event }) => renderDatadogLog(event, { service, source, tags, now }).json);
      const runs = splitBatch(logs.map(utf8Length), {
        maxItems: DATADOG_PAYLOAD_MAX_ITEMS,
        maxBytes: DATADOG_PAYLOAD_MAX_BYTES,
        ...JSON_ARRAY_FRAMING,
      });
      const outcomes = new Array<Outcome>(items.length);
      const budget = { splits: DATADOG_MAX_413_SPLITS };
      for (const [start, end] of runs) await deliverRun(req, logs, start, end, outcomes, budget);
      return outcomes;
    },
  };
}
