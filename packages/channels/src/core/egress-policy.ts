import ipaddr from 'ipaddr.js';
import { DENIED_IPV4_RANGES, DENIED_IPV6_RANGES, NAT64_WELL_KNOWN_PREFIX, type DeniedRange } from './egress-ranges.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Why an address was allowed or refused. */
export type EgressVerdict =
  | { allowed: true; via: 'allow_list' | 'public' }
  | { allowed: false; range: string; why: string };

export interface EgressPolicy {
  /** True when Tocsin may connect to `ip`. Anything that does not parse as an address is refused. */
  isAllowed(ip: string): boolean;
  /** True only when `ip` is on the operator's allow-list (used for the host-name rule). */
  isExplicitlyAllowed(ip: string): boolean;
  /** The verdict with the deny-list entry that matched, for error messages and logs. */
  check(ip: string): EgressVerdict;
}

/** The operator's allow-list (`TOCSIN_EGRESS_ALLOW`) contains something that is not a CIDR. */
export class EgressAllowListError extends Error {
  override readonly name = 'EgressAllowListError';
  readonly code = 'egress_allow_invalid' as const;
  readonly entry: string;

  constructor(entry: string, cause?: unknown) {
    super(`egress allow-list entry ${JSON.stringify(entry)} is not a CIDR or an IP address`, cause === undefined ? undefined : { cause });
    this.entry = entry;
  }
}

const compile = (ranges: readonly DeniedRange[]): Array<{ cidr: Cidr; entry: DeniedRange }> =>
  ranges.map((entry) => ({ cidr: ipaddr.parseCIDR(entry.cidr), entry }));

// Most specific first, so a verdict names the narrowest range (::/8 also covers 64:ff9b::/32).
const DENIED = [...compile(DENIED_IPV4_RANGES), ...compile(DENIED_IPV6_RANGES)].sort((a, b) => b.cidr[1] - a.cidr[1]);
const NAT64 = ipaddr.parseCIDR(NAT64_WELL_KNOWN_PREFIX);

function parseAddress(ip: string): Address | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  try {
    // ipaddr.js also accepts the inet_aton spellings (0x7f000001, 127.1, 0177.0.0.1) and reads
    // them as the OS would, so they are judged as the address they reach.
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

function inCidr(address: Address, [network, bits]: Cidr): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

function lastFourBytes(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12));
}

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that a dual-stack
 * socket (mapped, `::ffff:a.b.c.d`) or an old stack (compatible, `::a.b.c.d`, RFC 4291 §2.5.5.1)
 * delivers to that IPv4 address. `::` and `::1` are not compatible addresses.
 *
 * (ipaddr.js parses the dotted `::a.b.c.d` spelling as the mapped address; both map to the same
 * IPv4 address here, so the verdict is the same.)
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = address.parts;
  const zeroHead = p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0;
  if (!zeroHead) return undefined;
  if (p[5] === 0xffff) return lastFourBytes(address);
  if (p[5] === 0 && (p[6] !== 0 || (p[7] ?? 0) > 1)) return lastFourBytes(address);
  return undefined;
}

function deniedBy(address: Address): DeniedRange | undefined {
  return DENIED.find(({ cidr }) => inCidr(address, cidr))?.entry;
}

/**
 * Builds the guard's address policy. `allow` is the operator's `TOCSIN_EGRESS_ALLOW`: CIDRs (or
 * single addresses) that are reachable even though the deny-list covers them, e.g. `10.0.0.0/8`
 * for an on-premises SIEM or `127.0.0.0/8` in tests.
 *
 * @throws EgressAllowListError when an entry does not parse.
 */
export function createEgressPolicy(allow: readonly string[]): EgressPolicy {
  const allowed: Cidr[] = allow
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === 'ipv4' ? 32 : 128];
      } catch (error) {
        throw new EgressAllowListError(entry, error);
      }
    });

  const onAllowList = (address: Address): boolean => {
    const v4 = address.kind() === 'ipv6' ? embeddedIPv4(address as ipaddr.IPv6) : undefined;
    return allowed.some((cidr) => inCidr(address, cidr) || (v4 !== undefined && inCidr(v4, cidr)));
  };

  const check = (ip: string): EgressVerdict => {
    const address = parseAddress(ip);
    if (address === undefined) return { allowed: false, range: 'unparseable', why: 'not an IP address' };
    if (onAllowList(address)) return { allowed: true, via: 'allow_list' };

    let judged: Address = address;
    let via = '';
    if (address.kind() === 'ipv6') {
      const v6 = address as ipaddr.IPv6;
      const v4 = embeddedIPv4(v6);
      if (v4 !== undefined) {
        judged = v4;
        via = 'IPv4 embedded in IPv6, ';
      } else if (inCidr(v6, NAT64)) {
        judged = lastFourBytes(v6);
        via = `${NAT64_WELL_KNOWN_PREFIX} NAT64 of `;
      }
    }
    const denied = deniedBy(judged);
    if (denied !== undefined) return { allowed: false, range: denied.cidr, why: `${via}${denied.why}` };
    return { allowed: true, via: 'public' };
  };

  return {
    check,
    isAllowed: (ip) => check(ip).allowed,
    isExplicitlyAllowed: (ip) => {
      const address = parseAddress(ip);
      return address !== undefined && onAllowList(address);
    },
  };
}
