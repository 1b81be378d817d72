/**
 * The egress guard: Tocsin connects only to public addresses (plus the operator's allow-list),
 * checked on every URL at save time and on every connection at connect time. See
 * packages/channels/README.md for the runbook and egress-ranges.ts for the deny-list.
 */
export { DestinationUnresolvedError, EgressDeniedError, type EgressDenialReason, type EgressDeniedContext } from './egress-error.js';
export { createEgressPolicy, EgressAllowListError, type EgressPolicy, type EgressVerdict } from './egress-policy.js';
export { createGuardedLookup, checkResolved, isDeniedHostname, systemResolver, type Resolver, type ResolveOptions } from './egress-lookup.js';
export { assertUrlAllowed, parseEgressUrl, checkLiteralHost, bareHost, type AssertUrlOptions } from './egress-url.js';
export { DENIED_IPV4_RANGES, DENIED_IPV6_RANGES, NAT64_WELL_KNOWN_PREFIX, DENIED_HOSTNAMES, DENIED_HOSTNAME_SUFFIXES, type DeniedRange } from './egress-ranges.js';

import type { LookupFunction } from 'node:net';
import { createGuardedLookup } from './egress-lookup.js';
import { createEgressPolicy } from './egress-policy.js';

/**
 * A ready `lookup` for Node's `net`/`http` `lookup` option and got's `dnsLookup`, with no
 * allow-list: resolves, checks every answer and fails with an {@link EgressDeniedError}
 * (`code: 'egress_denied'`) when any is denied. Use {@link createGuardedLookup} with a policy to
 * honour `TOCSIN_EGRESS_ALLOW`.
 */
export const lookup: LookupFunction = createGuardedLookup(createEgressPolicy([]));
