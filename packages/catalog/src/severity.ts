import { SEVERITIES, type CatalogEntry, type Severity } from './types.js';
import { VAULTPAM_SEVERITY_LEVELS, type VaultpamSeverityLevel } from './vaultpam.js';

/** VaultPAM's five levels, DEBUG … CRITICAL: what its producers send and SIEM kinds match on. */
export type Level = VaultpamSeverityLevel;
export const LEVELS = VAULTPAM_SEVERITY_LEVELS.map((l) => l.value) as readonly Level[];

const fromVaultpam = new Map<string, Severity>(VAULTPAM_SEVERITY_LEVELS.map((l) => [l.value, l.severity]));

/** The level that stands for each of our severities: INFO, WARN, ERROR, CRITICAL. */
const LEVEL_OF_SEVERITY: Record<Severity, Level> = { low: 'INFO', medium: 'WARN', high: 'ERROR', critical: 'CRITICAL' };

function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

function isLevel(s: string): s is Level {
  return fromVaultpam.has(s);
}

/** What a producer's `severity` field said: our severity, and the VaultPAM level if it sent one. */
export interface SuppliedSeverity {
  severity: Severity;
  level?: Level;
}

/**
 * Reads our four severities or VaultPAM's five levels, in any letter case. `critical` is both:
 * written in capitals, as VaultPAM writes its levels, it is the level.
 */
export function parseSeverity(input: string): SuppliedSeverity | undefined {
  const upper = input.toUpperCase();
  const lower = input.toLowerCase();
  if (isLevel(upper) && (input === upper || !isSeverity(lower))) return { severity: fromVaultpam.get(upper)!, level: upper };
  return isSeverity(lower) ? { severity: lower } : undefined;
}

export const severityOfLevel = (level: Level): Severity => fromVaultpam.get(level)!;
export const levelOfSeverity = (severity: Severity): Level => LEVEL_OF_SEVERITY[severity];

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

/**
 * The level kept on the record. A level the producer sent is kept as sent, for any event. A
 * VaultPAM-catalog event always has one, since its catalog's SIEM rules are stated in levels:
 * our severity translated when the producer sent one of ours, else the catalog default.
 */
export function recordLevel(entry: CatalogEntry | undefined, supplied: SuppliedSeverity | undefined): Level | null {
  if (supplied?.level !== undefined) return supplied.level;
  if (entry?.source !== 'vaultpam') return null;
  return levelOfSeverity(supplied?.severity ?? entry.severity);
}

/**
 * The level SIEM kinds match on (docs/architecture.md, "Who receives an event"). For a
 * VaultPAM-catalog event it is the recorded level — the producer's, since that catalog's levels
 * exist for SIEM rules. For a push-catalog event it is today's effective severity, or the level
 * the producer sent when the event carries its own severity.
 */
export function siemLevel(entry: CatalogEntry, level: Level | null, severity: Severity): Level {
  if (level !== null && (entry.source === 'vaultpam' || entry.ownSeverity)) return level;
  return levelOfSeverity(severity);
}
