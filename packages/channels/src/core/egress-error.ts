/** Which rule of the egress guard refused a destination. */
export type EgressDenialReason =
  /** Not an absolute URL. */
  | 'invalid_url'
  /** Only `http:` and `https:` are allowed. */
  | 'scheme'
  /** `user:password@` in a URL would be sent as Basic auth and logged with the URL. */
  | 'userinfo'
  /** CR, LF, tab, space or another control character: header injection or a parser trick. */
  | 'control_characters'
  /** `localhost`, `*.internal` and friends, whose addresses are not on the allow-list. */
  | 'hostname'
  /** An IP address (literal or resolved) in a denied range. */
  | 'address';

export interface EgressDeniedContext {
  /** The host as it appears in the URL (never the path, query or userinfo). */
  host?: string;
  /** The IP address that was refused. */
  address?: string;
  /** The deny-list entry that matched, e.g. `127.0.0.0/8`. */
  range?: string;
  cause?: unknown;
}

/**
 * The egress guard refused a destination. Thrown by {@link assertUrlAllowed} at save time and
 * passed to Node's connect callback by the guarded `lookup` at connect time, where Node and got
 * surface it with the same `code`.
 *
 * The message names the host and address only: a URL's path and query may be a credential
 * (Slack and Teams webhook URLs).
 */
export class EgressDeniedError extends Error {
  override readonly name = 'EgressDeniedError';
  /** Stable: branch on this, never on the message. */
  readonly code = 'egress_denied' as const;
  readonly reason: EgressDenialReason;
  readonly host: string | undefined;
  readonly address: string | undefined;
  readonly range: string | undefined;

  constructor(reason: EgressDenialReason, message: string, context: EgressDeniedContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.reason = reason;
    this.host = context.host;
    this.address = context.address;
    this.range = context.range;
  }
}

/**
 * A destination's host name did not resolve when a sink was saved (`ENOTFOUND`, `EAI_AGAIN`, ...).
 * Not a policy decision: the guard never saw an address to judge. Thrown by
 * {@link assertUrlAllowed} so that callers can tell the two apart without reading DNS codes.
 */
export class DestinationUnresolvedError extends Error {
  override readonly name = 'DestinationUnresolvedError';
  /** Stable: branch on this, never on the message. */
  readonly code = 'destination_unresolved' as const;
  /** The host name, as in the URL. */
  readonly host: string;
  /** What the resolver answered, e.g. `ENOTFOUND` (no such name) or `EAI_AGAIN` (try again later). */
  readonly resolverCode: string | undefined;

  constructor(host: string, cause: unknown) {
    const resolverCode = typeof (cause as { code?: unknown })?.code === 'string' ? (cause as { code: string }).code : undefined;
    super(`${host} did not resolve${resolverCode ? ` (${resolverCode})` : ''}`, { cause });
    this.host = host;
    this.resolverCode = resolverCode;
  }
}
