import { classifyStatus, classifyTransportError, OUTCOME_BODY_MAX_BYTES } from '../core/classify.js';
import type { HttpClient, HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { secretScrubber } from '../core/scrub.js';
import { truncateUtf8 } from '../core/truncate.js';
import { jsonObject } from '../core/json.js';

/**
 * A cached token is replaced this long before it expires, so a request never leaves with a
 * token about to lapse in flight. Entra's client-credentials tokens live ~1 hour
 * (`"expires_in": 3599`, Microsoft identity platform, client credentials flow, "Successful
 * response"); a shorter-lived token is replaced at half its life instead.
 */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** How much of Entra's `error_description` goes into an outcome message (its first line). */
export const TOKEN_ERROR_TEXT_MAX_CHARS = 300;

/**
 * OAuth errors of the token endpoint that say "try again": Microsoft identity platform, "Error
 * codes for token endpoint errors" — `temporarily_unavailable` ("Retry the request") and
 * `server_error` ("These errors can result from temporary conditions"). Every other error in a
 * 400 or 401 (`invalid_client`, `unauthorized_client`, `invalid_request`, `invalid_scope`,
 * `invalid_resource`, …) is the sink's credentials or tenant: permanent `auth_error`.
 */
export const RETRYABLE_TOKEN_ERRORS: readonly string[] = ['temporarily_unavailable', 'server_error'];

export interface TokenRequest {
  url: string;
  clientId: string;
  /** Revealed by the sender just for the form body. */
  clientSecret: string;
  scope: string;
}

export type TokenResult = { kind: 'token'; token: string; lifetimeMs: number } | { kind: 'failed'; outcome: Outcome };

type Scrub = (text: string) => string;

/** An access token we can put in a header: visible ASCII only (JWTs are base64url and dots). */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** `expires_in` in milliseconds: a number (v2 endpoint) or a numeric string (v1); 0 when unusable. */
function lifetimeOf(value: unknown): number {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** `error: first line of error_description`, scrubbed and cut. */
function oauthErrorText(doc: Record<string, unknown> | undefined, scrub: Scrub): string | undefined {
  if (doc === undefined) return undefined;
  const error = typeof doc.error === 'string' ? doc.error : undefined;
  const description = typeof doc.error_description === 'string' ? doc.error_description.split(/\r?\n/)[0]!.trim() : undefined;
  const text = [error, description].filter((part): part is string => part !== undefined && part !== '').join(': ');
  if (text === '') return undefined;
  const line = scrub(text).replace(/\p{Cc}+/gu, ' ');
  return line.length <= TOKEN_ERROR_TEXT_MAX_CHARS ? line : `${line.slice(0, TOKEN_ERROR_TEXT_MAX_CHARS - 1)}…`;
}

/**
 * The token endpoint's answer: a token, or the outcome every delivery of the request gets.
 * Shared rules (429 and 5xx retried with Retry-After, 403 `auth_error`, 404 `not_found`) plus:
 * a 400 or 401 is the credentials' fault, permanent `auth_error`, unless its OAuth error is
 * {@link RETRYABLE_TOKEN_ERRORS}; a 2xx without a usable bearer token (a proxy's page) is
 * retried as `unexpected_response`.
 */
export function classifyTokenResponse(response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, scrub: Scrub, now: Date): TokenResult {
  const body = scrub(response.body);
  const doc = jsonObject(response.body);
  const outcome = classifyStatus(response.status, response.headers, body, { now });
  if (outcome.kind === 'delivered') {
    const token = doc?.access_token;
    const type = doc?.token_type;
    if (typeof token === 'string' && HEADER_SAFE.test(token) && (type === undefined || (typeof type === 'string' && type.toLowerCase() === 'bearer'))) {
      return { kind: 'token', token, lifetimeMs: lifetimeOf(doc?.expires_in) };
    }
    // Whatever stood in access_token is still a credential of sorts: it is not kept either.
    const kept = typeof token === 'string' && token !== '' ? secretScrubber([token])(body) : body;
    return {
      kind: 'failed',
      outcome: { kind: 'retryable', reason: 'unexpected_response', message: `token: HTTP ${response.status} without a bearer access_token`, status: response.status, body: truncateUtf8(kept, OUTCOME_BODY_MAX_BYTES) },
    };
  }
  const text = oauthErrorText(doc, scrub);
  const message = `token: ${outcome.message}${text === undefined ? '' : `: ${text}`}`;
  if (response.status === 400 || response.status === 401) {
    const error = typeof doc?.error === 'string' ? doc.error : '';
    if (RETRYABLE_TOKEN_ERRORS.includes(error)) return { kind: 'failed', outcome: { kind: 'retryable', reason: 'server_error', message, status: response.status, ...(outcome.body === undefined ? {} : { body: outcome.body }) } };
    return { kind: 'failed', outcome: { kind: 'permanent', reason: 'auth_error', message: `${message} — check azure_tenant_id, client_id and client_secret (the secret's value, not its ID)`, status: response.status, ...(outcome.body === undefined ? {} : { body: outcome.body }) } };
  }
  return { kind: 'failed', outcome: { ...outcome, message } };
}

/** Asks Entra for a token with the client credentials grant (form-encoded, as MS documents it). */
export async function fetchToken(http: HttpClient, req: TokenRequest, scrub: Scrub, now: Date): Promise<TokenResult> {
  let response: HttpResponse;
  try {
    response = await http.request({
      method: 'POST',
      url: req.url,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ client_id: req.clientId, client_secret: req.clientSecret, grant_type: 'client_credentials', scope: req.scope }).toString(),
    });
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    const outcome = classifyTransportError(error);
    return { kind: 'failed', outcome: outcome.kind === 'delivered' ? outcome : { ...outcome, message: scrub(`token: ${outcome.message}`) } };
  }
  return classifyTokenResponse(response, scrub, now);
}

/** A token for one request, and whether it was already cached when asked for. */
export type CachedToken = { kind: 'token'; token: string; fromCache: boolean } | { kind: 'failed'; outcome: Outcome };

/**
 * One sink's token: cached until {@link TOKEN_REFRESH_MARGIN_MS} (or half its life) before it
 * expires, by the send clock (`ctx.now()`), and fetched once for all sends that need it at the
 * same time. A failure is not cached: the next request asks again.
 */
export class TokenCache {
  #cached: { token: string; refreshAt: number } | undefined;
  #inflight: Promise<TokenResult> | undefined;
  readonly #fetch: (now: Date) => Promise<TokenResult>;

  constructor(fetch: (now: Date) => Promise<TokenResult>) {
    this.#fetch = fetch;
  }

  async get(now: Date): Promise<CachedToken> {
    const cached = this.#cached;
    if (cached !== undefined && now.getTime() < cached.refreshAt) return { kind: 'token', token: cached.token, fromCache: true };
    const result = await (this.#inflight ??= this.#refresh(now));
    return result.kind === 'token' ? { kind: 'token', token: result.token, fromCache: false } : result;
  }

  /** Forgets `token` (the endpoint refused it), unless a newer one has replaced it already. */
  drop(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #refresh(now: Date): Promise<TokenResult> {
    try {
      const result = await this.#fetch(now);
      if (result.kind === 'token') {
        // A token without a usable lifetime serves the requests waiting for it, and is not kept.
        this.#cached = result.lifetimeMs > 0 ? { token: result.token, refreshAt: now.getTime() + result.lifetimeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, result.lifetimeMs / 2) } : undefined;
      }
      return result;
    } finally {
      this.#inflight = undefined;
    }
  }
}
