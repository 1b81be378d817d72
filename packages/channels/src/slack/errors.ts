/**
 * Slack's error codes and what each means for a delivery. Slack names its errors: an incoming
 * webhook answers a plain-text code, the Web API `{"ok":false,"error":"<code>"}` with HTTP 200. We
 * classify on the code (never on free text) and fall back to the shared status rules for codes
 * we do not know.
 */
import { classifyStatus, OUTCOME_BODY_MAX_BYTES, parseRetryAfter } from '../core/classify.js';
import type { HttpResponse } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import type { FailureReason } from '../core/reasons.js';
import { truncateUtf8 } from '../core/truncate.js';

export interface ErrorClass {
  kind: 'retryable' | 'permanent';
  reason: FailureReason;
}

const permanent = (reason: FailureReason): ErrorClass => ({ kind: 'permanent', reason });
const retryable = (reason: FailureReason): ErrorClass => ({ kind: 'retryable', reason });

/**
 * Incoming webhook codes: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * ("Handling errors") and the status mapping of
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks.
 */
export const WEBHOOK_ERRORS: Readonly<Record<string, ErrorClass>> = {
  // The webhook or what it posts to is gone: nothing to retry until someone re-creates it.
  channel_not_found: permanent('not_found'),
  channel_is_archived: permanent('not_found'),
  no_service: permanent('not_found'),
  no_service_id: permanent('not_found'),
  no_team: permanent('not_found'),
  no_active_hooks: permanent('not_found'),
  user_not_found: permanent('not_found'),
  // The credential or a workspace policy refuses the post.
  invalid_token: permanent('auth_error'),
  team_disabled: permanent('auth_error'),
  action_prohibited: permanent('auth_error'),
  posting_to_general_channel_denied: permanent('auth_error'),
  // Our payload: a retry sends the same bytes.
  invalid_payload: permanent('client_error'),
  too_many_attachments: permanent('client_error'),
  no_text: permanent('client_error'),
  // "rollup_error" is Slack's own 500.
  rollup_error: retryable('server_error'),
};

/**
 * `chat.postMessage` codes: https://docs.slack.dev/reference/methods/chat.postMessage ("Errors")
 * and the common Web API errors listed there. `fatal_error` and `internal_error` may have posted
 * anyway (the docs warn of it): a retry can duplicate, which beats losing an alert.
 */
export const WEB_API_ERRORS: Readonly<Record<string, ErrorClass>> = {
  // The channel: gone, archived, or the bot was never invited (`/invite @app`).
  channel_not_found: permanent('not_found'),
  not_in_channel: permanent('not_found'),
  is_archived: permanent('not_found'),
  // The installation: token revoked, app removed, user deactivated, scope missing.
  not_authed: permanent('auth_error'),
  invalid_auth: permanent('auth_error'),
  token_revoked: permanent('auth_error'),
  token_expired: permanent('auth_error'),
  account_inactive: permanent('auth_error'),
  missing_scope: permanent('auth_error'),
  no_permission: permanent('auth_error'),
  not_allowed_token_type: permanent('auth_error'),
  ekm_access_denied: permanent('auth_error'),
  team_access_not_granted: permanent('auth_error'),
  // restricted_action, restricted_action_read_only_channel, …_thread_only_channel, …: see below.
  restricted_action: permanent('auth_error'),
  // The request itself.
  msg_too_long: permanent('client_error'),
  no_text: permanent('client_error'),
  too_many_attachments: permanent('client_error'),
  invalid_blocks: permanent('client_error'),
  invalid_blocks_format: permanent('client_error'),
  invalid_arguments: permanent('client_error'),
  invalid_arg_name: permanent('client_error'),
  invalid_array_arg: permanent('client_error'),
  invalid_charset: permanent('client_error'),
  invalid_form_data: permanent('client_error'),
  invalid_json: permanent('client_error'),
  json_not_object: permanent('client_error'),
  invalid_post_type: permanent('client_error'),
  missing_post_type: permanent('client_error'),
  // Slack's side, for now.
  fatal_error: retryable('server_error'),
  internal_error: retryable('server_error'),
  request_timeout: retryable('timeout'),
  service_unavailable: retryable('server_error'),
  team_added_to_org: retryable('server_error'),
  // Throttled in the body; the docs spell it `rate_limited`, clients also see `ratelimited`.
  rate_limited: retryable('rate_limited'),
  ratelimited: retryable('rate_limited'),
};

/** Looks a code up; every `restricted_action…` variant is a workspace policy refusing the post. */
export function webApiErrorClass(code: string): ErrorClass | undefined {
  return WEB_API_ERRORS[code] ?? (code.startsWith('restricted_action') ? permanent('auth_error') : undefined);
}

/**
 * A Slack error code: lowercase snake_case, short. Anything else in a body is not a code and is
 * never put in a message (it could be an echo of anything).
 */
const ERROR_CODE = /^[a-z][a-z0-9_]{0,79}$/;

export const asErrorCode = (value: unknown): string | undefined => (typeof value === 'string' && ERROR_CODE.test(value) ? value : undefined);

/**
 * The outcome of a response whose body named an error: the code's class if known, with the
 * status, the kept body and `Retry-After` (retryable only); `undefined` for a code we do not know.
 */
export function outcomeForCode(code: string, known: ErrorClass | undefined, response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, now: Date): Outcome | undefined {
  if (known === undefined) return undefined;
  const common = { reason: known.reason, message: `Slack answered ${code}`, status: response.status, body: truncateUtf8(response.body, OUTCOME_BODY_MAX_BYTES) };
  if (known.kind === 'permanent') return { kind: 'permanent', ...common };
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
  return { kind: 'retryable', ...common, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** A code we do not know in a 2xx: Slack said it failed, and we cannot tell why. */
export function unknownCodeOutcome(code: string, response: Pick<HttpResponse, 'status' | 'body'>): Outcome {
  return { kind: 'permanent', reason: 'unexpected_response', message: `Slack answered ${code}`, status: response.status, body: truncateUtf8(response.body, OUTCOME_BODY_MAX_BYTES) };
}

/** The shared status rules, with Slack's code (when there is one) named in the message. */
export function byStatus(response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, now: Date, code?: string): Outcome {
  const outcome = classifyStatus(response.status, response.headers, response.body, { now });
  if (outcome.kind === 'delivered' || code === undefined) return outcome;
  return { ...outcome, message: `Slack answered ${code} (${outcome.message})` };
}
