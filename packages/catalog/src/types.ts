/** Severities, lowest first. Order matters: matching compares positions. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The categories of the push catalog (seed: VaultTerm integrations). */
export const CATEGORIES = ['secret', 'access', 'identity', 'org', 'ai', 'anomaly'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Which catalog an entry comes from: the curated push catalog (VaultTerm integrations),
 * VaultPAM's public audit catalog, whose levels carry SIEM forwarding rules, or Tocsin's own
 * configuration events.
 */
export const SOURCES = ['vaultterm', 'vaultpam', 'tocsin'] as const;
export type Source = (typeof SOURCES)[number];

export interface CatalogEntry {
  /** The constant a sink's event list names, e.g. `CREDENTIAL_EXPOSURE_DETECTED`. */
  readonly constant: string;
  /** The string producers send and records carry, e.g. `mfa.recovery.requested`. */
  readonly action: string;
  /** A human title for chat messages and tickets. */
  readonly title: string;
  readonly category: Category;
  readonly source: Source;
  /** The documentation section, e.g. "Connections / Sessions". */
  readonly group: string;
  /** Severity used when the event may not carry its own. */
  readonly severity: Severity;
  /** True when a producer-supplied severity is the effective one (e.g. credential exposure). */
  readonly ownSeverity: boolean;
  /** True when the event may be pushed to sinks; every other event is stored and pulled only. */
  readonly push: boolean;
  /** One sentence: what happened. */
  readonly description: string;
}
