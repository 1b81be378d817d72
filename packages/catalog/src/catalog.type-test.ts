import type { EventConstant } from './catalog.js';

/**
 * Checked by `tsc --noEmit`, never run. If `EventConstant` ever widened to `string`, the
 * expect-error below would be unused and the typecheck would fail.
 */
export function eventConstantIsClosed(): EventConstant[] {
  const curated: EventConstant = 'CREDENTIAL_EXPOSURE_DETECTED';
  const vaultpam: EventConstant = 'PROXY_SSH_AUTH_REJECTED';
  // @ts-expect-error: not a catalog constant
  const unknown: EventConstant = 'NOT_A_CATALOG_EVENT';
  // @ts-expect-error: a wire string is not a constant
  const wire: EventConstant = 'mfa.recovery.requested';
  return [curated, vaultpam, unknown, wire];
}
