import dns, { type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { EgressDeniedError } from './egress-error.js';
import type { EgressPolicy } from './egress-policy.js';
import { DENIED_HOSTNAMES, DENIED_HOSTNAME_SUFFIXES } from './egress-ranges.js';

export interface ResolveOptions {
  family?: number;
  hints?: number;
}

/**
 * Resolves a host name to every address, like `dns.lookup(host, { all: true })`. Tests inject one
 * to play DNS answers that change between calls; production uses {@link systemResolver}.
 */
export type Resolver = (
  hostname: string,
  options: ResolveOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** The operating system's resolver (getaddrinfo), as Node's own clients use it. */
export const systemResolver: Resolver = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, callback);
};

const normalizeHostname = (hostname: string): string => hostname.toLowerCase().replace(/\.$/, '');

/** `localhost`, `*.internal` and the like: names that only ever mean something inside our network. */
export function isDeniedHostname(hostname: string): boolean {
  const name = normalizeHostname(hostname);
  return DENIED_HOSTNAMES.includes(name) || DENIED_HOSTNAME_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * Judges every answer for `hostname`: one denied address refuses the whole name, because the
 * client may connect to any of them (Happy Eyeballs tries them in turn). Names from
 * {@link isDeniedHostname} need every address on the allow-list.
 */
export function checkResolved(hostname: string, addresses: readonly LookupAddress[], policy: EgressPolicy): EgressDeniedError | undefined {
  if (addresses.length === 0) {
    return new EgressDeniedError('address', `egress denied: ${hostname} resolved to no address`, { host: hostname });
  }
  if (isDeniedHostname(hostname) && !addresses.every(({ address }) => policy.isExplicitlyAllowed(address))) {
    return new EgressDeniedError('hostname', `egress denied: ${hostname} is an internal host name`, { host: hostname });
  }
  for (const { address } of addresses) {
    const verdict = policy.check(address);
    if (!verdict.allowed) {
      return new EgressDeniedError('address', `egress denied: ${hostname} resolves to ${address}, in ${verdict.range}, ${verdict.why}`, {
        host: hostname,
        address,
        range: verdict.range,
      });
    }
  }
  return undefined;
}

type AnyLookupCallback = (error: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for Node's `net`, `http`, `https` and got's `dnsLookup` option. It resolves, checks
 * every answer and hands the socket only checked addresses, so the check happens at connect time
 * on the addresses actually dialled: a DNS answer that changes after a save-time check (DNS
 * rebinding) is caught here. It works whether Node asks for one address or, with
 * `autoSelectFamily` (Node 20's default), for all of them.
 *
 * Node skips `lookup` for IP-literal hosts; the HTTP client checks those itself.
 */
export function createGuardedLookup(policy: EgressPolicy, resolver: Resolver = systemResolver): LookupFunction {
  function guardedLookup(hostname: string, optionsOrCallback: unknown, maybeCallback?: unknown): void {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as AnyLookupCallback;
    const options: dns.LookupOptions =
      typeof optionsOrCallback === 'number' ? { family: optionsOrCallback } : typeof optionsOrCallback === 'object' && optionsOrCallback !== null ? optionsOrCallback : {};
    const wantAll = options.all === true;
    const resolveOptions: ResolveOptions = {};
    if (typeof options.family === 'number') resolveOptions.family = options.family;
    if (options.hints !== undefined) resolveOptions.hints = options.hints;

    resolver(hostname, resolveOptions, (error, addresses) => {
      // Always answer asynchronously, as dns.lookup does, even when a resolver answers at once:
      // Node's socket code and any event hooks then see the usual order of events.
      process.nextTick(() => {
        if (error) return callback(error);
        const denied = checkResolved(hostname, addresses, policy);
        if (denied) return callback(denied);
        if (wantAll) return callback(null, addresses);
        const [first] = addresses as [LookupAddress];
        return callback(null, first.address, first.family);
      });
    });
  }
  return guardedLookup as LookupFunction;
}
