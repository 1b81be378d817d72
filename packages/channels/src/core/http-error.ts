/** Why a request got no HTTP response: a closed list, mapped to failure reasons in classify.ts. */
export type HttpTransportErrorCode = 'timeout' | 'network' | 'egress_denied';

export interface HttpTransportErrorContext {
  method: string;
  /** Scheme, host and port only, e.g. `https://hooks.slack.com`. Never the path, query or userinfo. */
  target: string;
  /** The lower-level code, e.g. `ECONNREFUSED`, `ETIMEDOUT`, `EGRESS_DENIED`: bounded, safe to log. */
  systemCode: string | undefined;
  cause: unknown;
}

/**
 * A request that produced no HTTP response. The message names the method and `scheme://host`
 * only, because a URL's path and query can be a credential (Slack and Teams webhook URLs, Google
 * Chat's `key`/`token`). The `cause` is a scrubbed copy of the underlying error for the same
 * reason: got's errors carry the full request options, URL included.
 */
export class HttpTransportError extends Error {
  override readonly name = 'HttpTransportError';
  readonly code: HttpTransportErrorCode;
  readonly method: string;
  readonly target: string;
  readonly systemCode: string | undefined;

  constructor(code: HttpTransportErrorCode, detail: string, context: HttpTransportErrorContext) {
    super(`${context.method} ${context.target}: ${detail}`, { cause: context.cause });
    this.code = code;
    this.method = context.method;
    this.target = context.target;
    this.systemCode = context.systemCode;
  }
}

/** A header name or value the client refuses to send (CR, LF or another control character). */
export class InvalidHeaderError extends Error {
  override readonly name = 'InvalidHeaderError';
  readonly code = 'invalid_header' as const;
  /** The header's name; its value is never repeated, it may be a credential. */
  readonly header: string;

  constructor(header: string) {
    super(`header ${JSON.stringify(header.replace(/[^\x21-\x7e]/g, '?'))} contains characters that are not allowed in HTTP headers`);
    this.header = header;
  }
}
