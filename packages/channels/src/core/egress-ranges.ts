/**
 * The egress guard's deny-list: every address Tocsin must never connect to on a tenant's behalf.
 *
 * Source: the SSRF tables of the project's reliability notes, which collect Svix, Hook0, Stripe's
 * smokescreen, GitLab and the OWASP SSRF cheat sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html),
 * checked against the IANA special-purpose registries:
 * https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry.
 *
 * Addresses that embed an IPv4 address are handled before this list is consulted (see
 * egress-policy.ts): IPv4-mapped `::ffff:a.b.c.d` and IPv4-compatible `::a.b.c.d` are checked as
 * the IPv4 address, and NAT64 `64:ff9b::a.b.c.d` is decoded and checked as IPv4 too.
 */

export interface DeniedRange {
  /** The CIDR, as written in the registry. */
  readonly cidr: string;
  /** Why it is denied; shown in EgressDeniedError messages and the runbook. */
  readonly why: string;
}

export const DENIED_IPV4_RANGES: readonly DeniedRange[] = [
  // RFC 791 "this network". Linux connects 0.0.0.0 to the local host.
  { cidr: '0.0.0.0/8', why: 'this network (0.0.0.0 reaches the local host)' },
  { cidr: '10.0.0.0/8', why: 'private network (RFC 1918)' },
  // RFC 6598 shared address space: carrier NAT, and internal networks of several clouds.
  { cidr: '100.64.0.0/10', why: 'shared address space / CGNAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', why: 'loopback (RFC 1122)' },
  // Includes 169.254.169.254 (AWS, GCP, Azure instance metadata) and 169.254.170.2 (ECS task credentials).
  { cidr: '169.254.0.0/16', why: 'link-local, cloud instance metadata (RFC 3927)' },
  { cidr: '172.16.0.0/12', why: 'private network (RFC 1918)' },
  { cidr: '192.0.0.0/24', why: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.0.2.0/24', why: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '192.88.99.0/24', why: '6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', why: 'private network (RFC 1918)' },
  { cidr: '198.18.0.0/15', why: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', why: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', why: 'documentation TEST-NET-3 (RFC 5737)' },
  // Multicast: the `private-ip` package missed it (CVE-2025-8020).
  { cidr: '224.0.0.0/4', why: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', why: 'reserved (RFC 1112)' },
  { cidr: '255.255.255.255/32', why: 'limited broadcast (RFC 919)' },
];

export const DENIED_IPV6_RANGES: readonly DeniedRange[] = [
  // The whole /8, as Hook0 does: unspecified ::, loopback ::1, SIIT ::ffff:0:0:0/96, the
  // ISATAP-like forms and every other IPv6 spelling of an IPv4 address. The mapped and compatible
  // forms never reach this entry: they are checked as IPv4 first.
  { cidr: '::/8', why: 'unspecified, loopback and IPv4-embedding forms (RFC 4291)' },
  // 64:ff9b::/32 lies inside ::/8 too; it is listed to name it. 64:ff9b::/96 itself is decoded
  // and checked as IPv4 before any of these entries (see egress-policy.ts). The local-use
  // prefix and the rest of 64:ff9b::/32 are not the well-known prefix: an operator's NAT64 may
  // translate them anywhere.
  { cidr: '64:ff9b:1::/48', why: 'local-use NAT64 (RFC 8215)' },
  { cidr: '64:ff9b::/32', why: 'NAT64 outside the well-known /96 (RFC 8215)' },
  { cidr: '100::/64', why: 'discard-only (RFC 6666)' },
  { cidr: '2001::/32', why: 'Teredo, embeds an IPv4 address (RFC 4380)' },
  { cidr: '2001:db8::/32', why: 'documentation (RFC 3849)' },
  { cidr: '2002::/16', why: '6to4, embeds an IPv4 address (RFC 3056)' },
  { cidr: '3fff::/20', why: 'documentation (RFC 9637)' },
  { cidr: '5f00::/16', why: 'SRv6 SIDs (RFC 9602)' },
  // Includes fd00:ec2::254, the AWS instance metadata service over IPv6.
  { cidr: 'fc00::/7', why: 'unique local, cloud instance metadata (RFC 4193)' },
  // The whole /10, not only fe80::/64 (GHSA-rpw4-54j3-4h4q).
  { cidr: 'fe80::/10', why: 'link-local (RFC 4291)' },
  { cidr: 'fec0::/10', why: 'deprecated site-local, still used internally (RFC 3879)' },
  { cidr: 'ff00::/8', why: 'multicast (RFC 4291)' },
];

/**
 * The NAT64 well-known prefix (RFC 6052). Blocking it outright breaks delivery from NAT64-only
 * networks (reliability notes, pitfall 11), so its last 32 bits are decoded and judged as IPv4.
 */
export const NAT64_WELL_KNOWN_PREFIX = '64:ff9b::/96';

/**
 * Host names refused at save time unless every address they resolve to is on the operator's
 * allow-list. Defence in depth: the address check at connect time is what is authoritative.
 * (reliability notes, "SSRF: what to deny"; GCP and AWS metadata host names.)
 */
export const DENIED_HOSTNAMES: readonly string[] = ['localhost', 'metadata.google.internal', 'metadata.amazonaws.com'];
export const DENIED_HOSTNAME_SUFFIXES: readonly string[] = ['.localhost', '.internal', '.local'];
