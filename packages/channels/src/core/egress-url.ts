import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { DestinationUnresolvedError, EgressDeniedError } from './egress-error.js';
import { checkResolved, isDeniedHostname, systemResolver, type Resolver } from './egress-lookup.js';
import type { EgressPolicy } from './egress-policy.js';

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

// Any whitespace or control character. The WHATWG URL parser silently drops tabs and newlines
// inside a URL, so this must run on the raw string, before parsing.
const CONTROL_OR_SPACE = /[\s\p{Cc}]/u;

/** `[::1]` → `::1`: URL keeps the brackets of an IPv6 literal in `hostname`. */
export const bareHost = (hostname: string): string => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

/**
 * The checks that need no network: an absolute http(s) URL without userinfo or control
 * characters. Returns the parsed URL, whose host is canonical (`127.1` and `0x7f000001` become
 * `127.0.0.1`, IDNs become punycode).
 *
 * @throws EgressDeniedError
 */
export function parseEgressUrl(raw: string): URL {
  if (CONTROL_OR_SPACE.test(raw)) {
    throw new EgressDeniedError('control_characters', 'egress denied: the URL contains whitespace or control characters');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new EgressDeniedError('invalid_url', 'egress denied: not an absolute URL', { cause: error });
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    throw new EgressDeniedError('scheme', `egress denied: scheme ${url.protocol} is not http: or https:`, { host: url.hostname });
  }
  if (url.username !== '' || url.password !== '') {
    throw new EgressDeniedError('userinfo', `egress denied: the URL for ${url.hostname} contains credentials`, { host: url.hostname });
  }
  if (url.hostname === '') {
    throw new EgressDeniedError('invalid_url', 'egress denied: the URL has no host');
  }
  return url;
}

/**
 * Checks an IP-literal host, which Node connects to without calling `lookup`. Returns false when
 * the host is a name (the guarded lookup checks those at connect time).
 *
 * @throws EgressDeniedError when the literal is denied.
 */
export function checkLiteralHost(url: URL, policy: EgressPolicy): boolean {
  const host = bareHost(url.hostname);
  if (isIP(host) === 0) return false;
  const verdict = policy.check(host);
  if (!verdict.allowed) {
    throw new EgressDeniedError('address', `egress denied: ${host} is in ${verdict.range}, ${verdict.why}`, {
      host,
      address: host,
      range: verdict.range,
    });
  }
  return true;
}

export interface AssertUrlOptions {
  /** @defaultValue the operating system's resolver */
  resolver?: Resolver;
}

/**
 * The save-time check for every URL a sink will contact: syntax, then the addresses the host
 * resolves to now. It is defence in depth and gives a clear error at save; the guarded lookup
 * repeats the address check at every connection, which is what defeats DNS rebinding.
 *
 * A resolution failure (e.g. `ENOTFOUND`) is a {@link DestinationUnresolvedError}, not a denial:
 * it is not a policy decision, and the caller decides whether an unresolvable host may be saved.
 * (An internal name that does not resolve is still refused as one.)
 *
 * @throws EgressDeniedError
 * @throws DestinationUnresolvedError
 */
export async function assertUrlAllowed(url: string, policy: EgressPolicy, options: AssertUrlOptions = {}): Promise<void> {
  const parsed = parseEgressUrl(url);
  if (checkLiteralHost(parsed, policy)) return;
  const resolver = options.resolver ?? systemResolver;
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
      resolver(parsed.hostname, {}, (error, answers) => (error ? reject(error) : resolve(answers)));
    });
  } catch (error) {
    // An internal name is refused whether or not it resolves from here.
    if (isDeniedHostname(parsed.hostname)) {
      throw new EgressDeniedError('hostname', `egress denied: ${parsed.hostname} is an internal host name`, { host: parsed.hostname, cause: error });
    }
    throw new DestinationUnresolvedError(parsed.hostname, error);
  }
  const denied = checkResolved(parsed.hostname, addresses, policy);
  if (denied) throw denied;
}
