import { SEVERITIES, type CatalogEntry, type Severity } from './types.js';
import { VAULTPAM_SEVERITY_LEVELS } from './vaultpam.js';

const fromVaultpam = new Map<string, Severity>(VAULTPAM_SEVERITY_LEVELS.map((l) => [l.value, l.severity]));

function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** Reads our four severities or VaultPAM's five levels, in any letter case. */
export function parseSeverity(input: string): Severity | undefined {
  const lower = input.toLowerCase();
  return isSeverity(lower) ? lower : fromVaultpam.get(input.toUpperCase());
}

/** 0 for low up to 3 for critical. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

/**
 * The severity a sink filters on. For catalog events the catalog decides, so a producer cannot
 * page anyone by inflating a routine event. Events that carry their own severity (credential
 * exposure) are the exception: the detector rates each finding, and a leak it rates critical
 * must still reach a channel configured for high and above.
 */
export function effectiveSeverity(entry: CatalogEntry | undefined, supplied: Severity | undefined): Severity {
  if (entry === undefined) return supplied ?? 'low';
  return entry.ownSeverity && supplied !== undefined ? supplied : entry.severity;
}
