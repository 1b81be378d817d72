import { perDelivery, type OpenDeps, type Resolved, type Sender } from '../core/channel.js';
import { classifyTransportError, OUTCOME_BODY_MAX_BYTES } from '../core/classify.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import type { Secret } from '../core/secret.js';
import { hubSignature } from '../core/signing.js';
import { truncateUtf8 } from '../core/truncate.js';
import { apiBase, type SlackBotConfig, type SlackConfig, type SlackSecretField, type SlackWebhookConfig } from './config.js';
import { asErrorCode, byStatus, outcomeForCode, unknownCodeOutcome, webApiErrorClass, WEBHOOK_ERRORS } from './errors.js';
import { renderSlackMessage } from './render.js';
import { jsonObject } from '../core/json.js';

type ResolvedWebhook = Resolved<SlackWebhookConfig, SlackSecretField>;
type ResolvedBot = Resolved<SlackBotConfig, SlackSecretField>;

const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/** Sends and returns the response, or the classified transport failure. */
async function request(http: HttpClient, req: HttpRequest): Promise<HttpResponse | Outcome> {
  try {
    return await http.request(req);
  } catch (error) {
    if (error instanceof HttpTransportError) return classifyTransportError(error);
    throw error;
  }
}

const isOutcome = (value: HttpResponse | Outcome): value is Outcome => 'kind' in value;

/**
 * An incoming webhook's answer: `200 ok` is delivered; a plain-text error code (Slack sends them
 * with 200 or 4xx/5xx, and the status per code is not documented everywhere) is classified by
 * name; 429 is throttling whatever the body says (Retry-After honoured); anything else follows
 * the shared status rules.
 */
export function classifyWebhookResponse(response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, now: Date): Outcome {
  const text = response.body.trim();
  const code = text === 'ok' ? undefined : asErrorCode(text);
  if (response.status === 429 || code === undefined) return byStatus(response, now, code);
  const known = outcomeForCode(code, WEBHOOK_ERRORS[code], response, now);
  if (known !== undefined) return known;
  return isSuccess(response.status) ? unknownCodeOutcome(code, response) : byStatus(response, now, code);
}

/**
 * A Web API answer (https://docs.slack.dev/apis/web-api/#responses): HTTP 200 with `"ok": true`
 * is delivered; HTTP 200 with `"ok": false` names the error, classified by name; 429 is
 * throttling with Retry-After; other statuses follow the shared rules unless the body names a
 * code we know.
 */
export function classifyWebApiResponse(response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, now: Date): Outcome {
  const doc = jsonObject(response.body);
  const code = asErrorCode(doc?.error);
  if (response.status === 429) return byStatus(response, now, code);
  if (isSuccess(response.status) && doc?.ok === true) return byStatus(response, now);
  const known = code === undefined ? undefined : outcomeForCode(code, webApiErrorClass(code), response, now);
  if (known !== undefined) return known;
  if (!isSuccess(response.status)) return byStatus(response, now, code);
  if (code !== undefined && doc?.ok === false) return unknownCodeOutcome(code, response);
  return { kind: 'permanent', reason: 'unexpected_response', message: `Slack answered HTTP ${response.status} without {"ok": true}`, status: response.status, body: truncateUtf8(response.body, OUTCOME_BODY_MAX_BYTES) };
}

function openWebhook(config: ResolvedWebhook, http: HttpClient): Sender {
  return perDelivery(async ({ event }, ctx) => {
    const body = JSON.stringify(renderSlackMessage(event));
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    // Seed 000: "payload is HMAC-signed". The same scheme as the generic webhook's X-Tocsin-Signature.
    const secret: Secret | undefined = config.secret;
    if (secret !== undefined) headers['X-Tocsin-Signature'] = hubSignature(secret.reveal(), body);
    const response = await request(http, { method: 'POST', url: config.webhook_url.reveal(), headers, body });
    return isOutcome(response) ? response : classifyWebhookResponse(response, ctx.now());
  });
}

function openBot(config: ResolvedBot, http: HttpClient): Sender {
  const url = `${apiBase(config.api_url)}/chat.postMessage`;
  return perDelivery(async ({ event }, ctx) => {
    // `channel` is read from the config at every send: a changed channel moves the alerts.
    const body = JSON.stringify({ channel: config.channel, ...renderSlackMessage(event) });
    const headers = { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${config.bot_token.reveal()}` };
    const response = await request(http, { method: 'POST', url, headers, body });
    return isOutcome(response) ? response : classifyWebApiResponse(response, ctx.now());
  });
}

/**
 * Which mode: a stored config has `webhook_url` or `bot_token`, never both. Checked by value, not
 * with `in`: resolving secrets gives every secret field a key, `undefined` when the mode lacks it.
 */
const isWebhook = (config: ResolvedWebhook | ResolvedBot): config is ResolvedWebhook => (config as { webhook_url?: unknown }).webhook_url !== undefined;

export function openSlack(config: Resolved<SlackConfig, SlackSecretField>, { http }: OpenDeps): Sender {
  return isWebhook(config) ? openWebhook(config, http) : openBot(config, http);
}
