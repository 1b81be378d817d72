import { randomUUID } from 'node:crypto';
import { gzip, splitBatch } from '../core/batch.js';
import type { DeliveryItem, OpenDeps, Resolved, Sender, SendContext } from '../core/channel.js';
import { classifyStatus, classifyTransportError, OUTCOME_BODY_MAX_BYTES, parseRetryAfter } from '../core/classify.js';
import type { HttpClient, HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import type { FailureReason } from '../core/reasons.js';
import { secretScrubber } from '../core/scrub.js';
import { truncateUtf8 } from '../core/truncate.js';
import { splunkEventUrl, type SplunkConfig } from './config.js';
import { metadataPrefix, renderSplunkEvent, splunkMetadata, SPLUNK_REQUEST_MAX_BYTES, SPLUNK_REQUEST_MAX_EVENTS, type RenderedSplunkEvent } from './render.js';
import { jsonObject } from '../core/json.js';

/** How much of HEC's `text` goes into an outcome message. */
export const SPLUNK_TEXT_MAX_CHARS = 300;

interface CodeClass {
  kind: 'retryable' | 'permanent';
  reason: FailureReason;
  /** What the admin should check, for codes that point at the sink's config. */
  hint?: string;
}

const retryable = (reason: FailureReason): CodeClass => ({ kind: 'retryable', reason });
const permanent = (reason: FailureReason, hint?: string): CodeClass => ({ kind: 'permanent', reason, ...(hint === undefined ? {} : { hint }) });
const CHECK_TOKEN = "check the sink's token";

/**
 * HEC's status codes (channels.md §9: the code table of Splunk's cloudfwd `ServerErrors.java`,
 * matched by the OTel, Vector and fluent-bit HEC receivers). The `code` of the JSON body beats
 * the HTTP status; code 0 is success; a code not listed here falls back to the status.
 */
export const HEC_CODES: Readonly<Record<number, CodeClass>> = {
  1: permanent('auth_error', 'the token is disabled in Splunk'), // 403 Token disabled
  2: permanent('auth_error', CHECK_TOKEN), // 401 Token is required
  3: permanent('auth_error', CHECK_TOKEN), // 401 Invalid authorization
  4: permanent('auth_error', CHECK_TOKEN), // 403 Invalid token
  5: permanent('client_error'), // 400 No data
  6: permanent('client_error'), // 400 Invalid data format
  7: permanent('client_error', "check the sink's index: it must exist and be allowed for the token"), // 400 Incorrect index
  8: retryable('server_error'), // 500 Internal server error
  9: retryable('rate_limited'), // 503 Server is busy: HEC's throttle signal
  10: permanent('client_error'), // 400 Data channel is missing
  11: permanent('client_error'), // 400 Invalid data channel
  12: permanent('client_error'), // 400 Event field is required
  13: permanent('client_error'), // 400 Event field cannot be blank
  14: permanent('client_error'), // 400 ACK is disabled
  15: permanent('client_error'), // 400 Error in handling indexed fields
  16: permanent('client_error'), // 400 Query string authorization is not enabled
  18: retryable('server_error'), // 503 HEC is unhealthy, queues are full
  19: retryable('server_error'), // 503 HEC is unhealthy, ack service unavailable
  20: retryable('server_error'), // 503 HEC is unhealthy, queues are full, ack service unavailable
};

/**
 * Codes that name one event with `invalid-event-number`: HEC parses the body as a stream and
 * stops at that event, so the events before it are indexed (channels.md §9: observed for code 6
 * against Splunk 10.4.3; 12, 13 and 15 come from the same per-event parse). Code 7 also carries a
 * number, but the index is the same for every event of a sink, so all of them fail.
 */
const PER_EVENT_CODES: ReadonlySet<number> = new Set([6, 12, 13, 15]);

/** HEC's answer document: `{"text":"…","code":n}`, plus `invalid-event-number` on a bad event. */
export interface HecAnswer {
  code: number;
  text?: string;
  invalidEventNumber?: number;
}

/** Reads HEC's answer; undefined for a body that is not one (a proxy's page, an empty 204). */
export function parseHecAnswer(body: string): HecAnswer | undefined {
  const parsed = jsonObject(body);
  if (parsed === undefined) return undefined;
  const { code, text, 'invalid-event-number': invalid } = parsed;
  if (typeof code !== 'number' || !Number.isInteger(code)) return undefined;
  return {
    code,
    ...(typeof text === 'string' ? { text } : {}),
    ...(typeof invalid === 'number' && Number.isInteger(invalid) ? { invalidEventNumber: invalid } : {}),
  };
}

const oneLine = (text: string): string => {
  const line = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return line.length <= SPLUNK_TEXT_MAX_CHARS ? line : `${line.slice(0, SPLUNK_TEXT_MAX_CHARS - 1)}…`;
};

/** `HTTP 400 Bad Request: HEC code 7 "Incorrect index" — check …`, scrubbed. */
function describeCode(base: string, answer: HecAnswer, scrub: (text: string) => string, extra = ''): string {
  const text = answer.text === undefined ? '' : ` "${oneLine(scrub(answer.text))}"`;
  const hint = HEC_CODES[answer.code]?.hint;
  return scrub(`${base}: HEC code ${answer.code}${text}${extra}${hint === undefined ? '' : ` — ${hint}`}`);
}

/**
 * Classifies one HEC answer for the whole request: the body's `code` by {@link HEC_CODES}, else
 * the shared status rules. `body` must already be scrubbed of the token.
 */
export function classifySplunk(response: Pick<HttpResponse, 'status' | 'headers'>, body: string, now: Date, scrub: (text: string) => string = (text) => text): Outcome {
  const shared = classifyStatus(response.status, response.headers, body, { now });
  const answer = parseHecAnswer(body);
  if (answer === undefined) return shared;
  if (answer.code === 0) return { kind: 'delivered', status: response.status, body: truncateUtf8(body, OUTCOME_BODY_MAX_BYTES) };

  const base = shared.kind === 'delivered' ? `HTTP ${response.status}` : shared.message;
  const known = HEC_CODES[answer.code];
  const message = describeCode(base, answer, scrub);
  const kept = truncateUtf8(body, OUTCOME_BODY_MAX_BYTES);
  if (known === undefined) {
    // A code we do not know: the status decides, HEC's text still goes into the message.
    return shared.kind === 'delivered' ? shared : { ...shared, message };
  }
  if (known.kind === 'permanent') return { kind: 'permanent', reason: known.reason, message, status: response.status, body: kept };
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
  return { kind: 'retryable', reason: known.reason, message, status: response.status, body: kept, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/**
 * What one request's answer means for its events, in order: all share one outcome, or (HEC named
 * a bad event) the ones before it are delivered, that one failed, and the rest still to send.
 */
type Verdict = { all: Outcome } | { accepted: number; delivered: Outcome; rejected: Outcome };

function judge(response: HttpResponse, body: string, count: number, now: Date, scrub: (text: string) => string): Verdict {
  const answer = parseHecAnswer(body);
  const n = answer?.invalidEventNumber;
  const perEvent = answer !== undefined && PER_EVENT_CODES.has(answer.code) && response.status >= 400 && n !== undefined && n >= 0 && n < count;
  if (!perEvent) return { all: classifySplunk(response, body, now, scrub) };
  const kept = truncateUtf8(body, OUTCOME_BODY_MAX_BYTES);
  const base = classifyStatus(response.status, response.headers, body, { now });
  const message = describeCode(base.kind === 'delivered' ? `HTTP ${response.status}` : base.message, answer, scrub, ` (event ${n} of ${count} in the request)`);
  return {
    accepted: n,
    // HEC indexed these before it reached the bad event: the same answer, read as their success.
    delivered: { kind: 'delivered', status: response.status, body: kept },
    rejected: { kind: 'permanent', reason: HEC_CODES[answer.code]?.reason ?? 'client_error', message, status: response.status, body: kept },
  };
}

interface Post {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  scrub: (text: string) => string;
}

/** One request of `events`; a transport failure comes back classified and scrubbed, never thrown. */
async function post({ http, url, headers, scrub }: Post, events: readonly RenderedSplunkEvent[]): Promise<{ response: HttpResponse; body: string } | { outcome: Outcome }> {
  const body = await gzip(events.map((event) => event.text).join(''));
  try {
    const response = await http.request({ method: 'POST', url, headers, body });
    return { response, body: scrub(response.body) };
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    const outcome = classifyTransportError(error);
    return { outcome: outcome.kind === 'delivered' ? outcome : { ...outcome, message: scrub(outcome.message) } };
  }
}

/**
 * Sends a sink's batch to HEC's event endpoint: the events rendered once, split into requests of
 * at most {@link SPLUNK_REQUEST_MAX_EVENTS} events and {@link SPLUNK_REQUEST_MAX_BYTES} bytes
 * (before gzip), sent one after the other. Each event ends with its own outcome:
 * - a request's answer applies to all of its events;
 * - HEC naming a bad event (`invalid-event-number`) delivers the ones before it, fails that one
 *   for good, and sends the rest at once in a follow-up request (again, until none is left);
 * - a 413 for several events halves the request and sends both halves (a Splunk Enterprise with
 *   a `max_content_length` below our budget); a 413 for one event is permanent.
 */
export function openSplunk(config: Resolved<SplunkConfig, 'token'>, { http }: OpenDeps): Sender {
  const url = splunkEventUrl(config.url);
  const prefix = metadataPrefix(splunkMetadata(config));
  // One channel per sender: HEC requires one when the token has indexer acknowledgement on
  // (code 10 otherwise) and ignores it when not. A UUID is what HEC takes as a channel id.
  const channel = randomUUID();

  return {
    async send(items: readonly DeliveryItem[], ctx: SendContext): Promise<Outcome[]> {
      const token = config.token.reveal();
      const scrub = secretScrubber([token]);
      const request: Post = {
        http,
        url,
        scrub,
        headers: {
          Authorization: `Splunk ${token}`,
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
          'X-Splunk-Request-Channel': channel,
        },
      };
      const now = ctx.now();
      const events = items.map((item) => renderSplunkEvent(item.event, prefix));
      const outcomes: Outcome[] = new Array<Outcome>(items.length);
      const fill = (start: number, end: number, outcome: Outcome): void => {
        outcomes.fill(outcome, start, end);
      };

      // Half-open ranges of `events` still to send, in order.
      const queue = splitBatch(
        events.map((event) => event.bytes),
        { maxItems: SPLUNK_REQUEST_MAX_EVENTS, maxBytes: SPLUNK_REQUEST_MAX_BYTES },
      );
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [start, end] = next;
        const sent = await post(request, events.slice(start, end));
        if ('outcome' in sent) {
          fill(start, end, sent.outcome);
          continue;
        }
        if (sent.response.status === 413 && end - start > 1) {
          const middle = start + Math.floor((end - start) / 2);
          queue.unshift([start, middle], [middle, end]);
          continue;
        }
        const verdict = judge(sent.response, sent.body, end - start, now, scrub);
        if ('all' in verdict) {
          fill(start, end, verdict.all);
          continue;
        }
        const bad = start + verdict.accepted;
        fill(start, bad, verdict.delivered);
        outcomes[bad] = verdict.rejected;
        if (bad + 1 < end) queue.unshift([bad + 1, end]);
      }
      return outcomes;
    },
  };
}
