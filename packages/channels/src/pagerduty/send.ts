import { perDelivery, type OpenDeps, type Resolved, type Sender } from '../core/channel.js';
import { classifyStatus, classifyTransportError } from '../core/classify.js';
import type { HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { secretScrubber } from '../core/scrub.js';
import { pagerdutyEndpoint, type PagerDutyConfig } from './config.js';
import { renderPagerDuty } from './render.js';
import { jsonObject } from '../core/json.js';

/** How much of PagerDuty's `errors[]` text goes into an outcome message. */
export const PAGERDUTY_ERROR_MESSAGE_MAX_CHARS = 500;

/** Every occurrence of the key, in any letter case. */
const scrub = (text: string, routingKey: string): string => secretScrubber([routingKey], { ignoreCase: true })(text);

/** PagerDuty's error document: `{"status":"invalid event","message":"…","errors":["…"]}`. */
function errorText(body: string): string | undefined {
  const parsed = jsonObject(body);
  if (parsed === undefined) return undefined;
  const { message, errors } = parsed;
  const parts = [typeof message === 'string' ? message : undefined, ...(Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [])].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  if (parts.length === 0) return undefined;
  const text = parts.join('; ');
  return text.length <= PAGERDUTY_ERROR_MESSAGE_MAX_CHARS ? text : `${text.slice(0, PAGERDUTY_ERROR_MESSAGE_MAX_CHARS - 1)}…`;
}

/** The `status` of a 2xx JSON body, when there is one: "success" if accepted (openapiv3.json `Success`). */
function successStatus(body: string): unknown {
  return jsonObject(body)?.status;
}

/**
 * PagerDuty's additions to the shared rules: a 400's `errors[]` go into the message; a 2xx whose
 * JSON `status` is not "success" (the schema documents "a short error message in case of a
 * failure" there) is not counted as delivered. Everything else — 429 and 5xx retried with the
 * shared backoff (PagerDuty sends no Retry-After), 401/403/404 permanent — is classifyStatus's.
 * The routing key is removed from the body first, so nothing echoed can carry it.
 */
export function classifyPagerDuty(response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, routingKey: string, now: Date): Outcome {
  const body = scrub(response.body, routingKey);
  const outcome = classifyStatus(response.status, response.headers, body, { now });
  if (outcome.kind === 'delivered') {
    const status = successStatus(body);
    if (typeof status !== 'string' || status === 'success') return outcome;
    return { kind: 'permanent', reason: 'unexpected_response', message: `HTTP ${response.status} with status "${status.slice(0, 100)}" instead of "success"`, status: response.status, ...(outcome.body === undefined ? {} : { body: outcome.body }) };
  }
  if (response.status === 400) {
    const text = errorText(body);
    if (text !== undefined) return { ...outcome, message: scrub(`${outcome.message}: ${text}`, routingKey) };
  }
  return outcome;
}

/**
 * POSTs one trigger event per delivery to `/v2/enqueue`. The dedup key comes from the event and
 * the sink, so every attempt and every re-send of one event to one sink lands on one alert.
 */
export function openPagerDuty(config: Resolved<PagerDutyConfig, 'routing_key'>, { http }: OpenDeps): Sender {
  const url = pagerdutyEndpoint(config);
  return perDelivery(async ({ event }, ctx) => {
    const routingKey = config.routing_key.reveal();
    const { body, headers } = renderPagerDuty(event, { routingKey, sinkId: ctx.sink.sinkId });
    let response: HttpResponse;
    try {
      response = await http.request({ method: 'POST', url, headers, body });
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error;
      const outcome = classifyTransportError(error);
      return outcome.kind === 'delivered' ? outcome : { ...outcome, message: scrub(outcome.message, routingKey) };
    }
    return classifyPagerDuty(response, routingKey, ctx.now());
  });
}
