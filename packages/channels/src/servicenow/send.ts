import { perDelivery, type OpenDeps, type Resolved, type Sender } from '../core/channel.js';
import { classifyStatus, classifyTransportError, OUTCOME_BODY_MAX_BYTES } from '../core/classify.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { secretScrubber } from '../core/scrub.js';
import { truncateUtf8 } from '../core/truncate.js';
import { tableEndpoint, type ServiceNowConfig } from './config.js';
import { basicAuthorization, correlationIdFor, createUrl, lookupUrl, renderIncident } from './render.js';
import { jsonObject } from '../core/json.js';

/** How much of ServiceNow's `error.message` and `error.detail` goes into an outcome message. */
export const SERVICENOW_ERROR_TEXT_MAX_LENGTH = 300;

type Step = 'lookup' | 'create';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const oneLine = (text: string, max: number): string => {
  const line = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};

/**
 * ServiceNow's error document, `{"error":{"message":"…","detail":"…"},"status":"failure"}`
 * (Table API; fixtures/rate-limited-429.json). The fields are read, never matched on.
 */
export function errorText(body: string, scrub: (text: string) => string = (text) => text): string | undefined {
  const parsed = jsonObject(body);
  if (!isObject(parsed) || !isObject(parsed.error)) return undefined;
  const { message, detail } = parsed.error;
  const parts = [message, detail].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  if (parts.length === 0) return undefined;
  // Scrubbed before it is cut, so no part of a secret survives at the cut.
  return oneLine(scrub(parts.length === 2 ? `${parts[0]} (${parts[1]})` : parts[0]!), SERVICENOW_ERROR_TEXT_MAX_LENGTH);
}

const HINTS: Partial<Record<number, string>> = {
  401: 'check the username and password of the integration user',
  403: 'the integration user needs the rights to read and create records of the table (e.g. the itil role for incident)',
  404: 'check instance_url and table (the table must exist and extend task)',
};

/**
 * A non-2xx answer: the shared rules, plus ServiceNow's error text and the step it came from.
 * The text is scrubbed again once parsed: a secret echoed inside a JSON string is escaped once
 * more in the raw body than in the parsed text.
 */
function classifyFailure(step: Step, response: HttpResponse, body: string, now: Date, scrub: (text: string) => string): Outcome {
  const outcome = classifyStatus(response.status, response.headers, body, { now });
  if (outcome.kind === 'delivered') return outcome;
  const text = errorText(body, scrub);
  const hint = HINTS[response.status];
  const message = `${step}: ${outcome.message}${text === undefined ? '' : `: ${text}`}${hint === undefined ? '' : ` — ${hint}`}`;
  return { ...outcome, message };
}

/** A 2xx that is not ServiceNow's JSON answer: an SSO page, a proxy, a sleeping developer instance. */
function notServiceNow(step: Step, response: HttpResponse, body: string, expected: string): Outcome {
  return {
    kind: 'retryable',
    reason: 'unexpected_response',
    message: `${step}: HTTP ${response.status} without ${expected}; retried (the lookup of the next attempt finds an incident this one may have opened)`,
    status: response.status,
    body: truncateUtf8(body, OUTCOME_BODY_MAX_BYTES),
  };
}

type Exchange = { response: HttpResponse; body: string } | { outcome: Outcome };

/** One request; a transport failure comes back classified and scrubbed, never thrown. */
async function exchange(http: HttpClient, step: Step, req: HttpRequest, scrub: (text: string) => string): Promise<Exchange> {
  try {
    const response = await http.request(req);
    return { response, body: scrub(response.body) };
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    const outcome = classifyTransportError(error);
    return { outcome: outcome.kind === 'delivered' ? outcome : { ...outcome, message: scrub(`${step}: ${outcome.message}`) } };
  }
}

/**
 * What the lookup found: `null` for none, the record when its `correlation_id` is ours, or an
 * outcome when the answer cannot be trusted either way.
 */
function readLookup(response: HttpResponse, body: string, correlationId: string): { sys_id: string; number: string } | null | Outcome {
  const parsed = jsonObject(body);
  if (!isObject(parsed) || !Array.isArray(parsed.result)) return notServiceNow('lookup', response, body, 'a JSON result list');
  const [first] = parsed.result as unknown[];
  if (first === undefined) return null;
  if (isObject(first) && first.correlation_id === correlationId && typeof first.sys_id === 'string') {
    return { sys_id: first.sys_id, number: typeof first.number === 'string' ? first.number : '' };
  }
  // The instance dropped the filter: the table has no correlation_id (an invalid query part is
  // ignored, not refused), so a lookup can never find a retry's incident. Creating anyway would
  // duplicate on every retry; the sink's table must be fixed.
  return {
    kind: 'permanent',
    reason: 'client_error',
    message: 'lookup: the table answered with a record of another correlation_id: it has no correlation_id field (use a table that extends task, e.g. incident)',
    status: response.status,
  };
}

/**
 * Opens an incident per delivery, once. Every send first looks for an incident with this
 * event's and sink's `correlation_id` (so a retry after a timeout finds the incident the lost
 * answer had created) and POSTs only when there is none; a failed lookup is classified like any
 * answer and nothing is created after it. One record per POST: the Table API inserts only the
 * first of several (KB0534905).
 */
export function openServiceNow(config: Resolved<ServiceNowConfig, 'password'>, { http }: OpenDeps): Sender {
  const endpoint = tableEndpoint(config);
  return perDelivery(async ({ event }, ctx) => {
    const password = config.password.reveal();
    const authorization = basicAuthorization(config.username, password);
    const scrub = secretScrubber([password, authorization.slice('Basic '.length)]);
    const now = ctx.now();
    const correlationId = correlationIdFor(ctx.sink.sinkId, event.id);
    const headers = { Accept: 'application/json', Authorization: authorization };

    const lookup = await exchange(http, 'lookup', { method: 'GET', url: lookupUrl(endpoint, correlationId), headers }, scrub);
    if ('outcome' in lookup) return lookup.outcome;
    if (lookup.response.status < 200 || lookup.response.status > 299) return classifyFailure('lookup', lookup.response, lookup.body, now, scrub);
    const existing = readLookup(lookup.response, lookup.body, correlationId);
    if (existing !== null && 'kind' in existing) return existing;
    if (existing !== null) {
      return { kind: 'delivered', status: lookup.response.status, body: JSON.stringify({ existing: true, number: existing.number, sys_id: existing.sys_id }) };
    }

    const record = renderIncident(event, { sinkId: ctx.sink.sinkId, category: config.category, assignment_group: config.assignment_group, caller_id: config.caller_id });
    const create = await exchange(http, 'create', { method: 'POST', url: createUrl(endpoint), headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(record) }, scrub);
    if ('outcome' in create) return create.outcome;
    if (create.response.status < 200 || create.response.status > 299) return classifyFailure('create', create.response, create.body, now, scrub);
    const parsed = jsonObject(create.body);
    if (!isObject(parsed) || !isObject(parsed.result) || typeof parsed.result.sys_id !== 'string') return notServiceNow('create', create.response, create.body, 'the created record');
    return classifyStatus(create.response.status, create.response.headers, create.body, { now });
  });
}
