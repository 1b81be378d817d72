import type { CatalogEntry, Category, Severity, Source } from '../types.js';

/** What one entry states; everything else comes from its group. */
export interface EventSpec {
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  /** The wire string; defaults to the constant, which is what the curated push catalog sends. */
  readonly action?: string;
  /** Overrides the group's category, for seed groups that mix, e.g. MFA inside "Identity / Access / Sharing". */
  readonly category?: Category;
  /** @defaultValue false */
  readonly ownSeverity?: boolean;
  /** Overrides the group's push default. */
  readonly push?: boolean;
}

/** Defaults shared by every entry of one documentation section. */
export interface GroupDefaults {
  readonly source: Source;
  readonly group: string;
  readonly category: Category;
  readonly push: boolean;
}

/**
 * Builds the entries of one group, keyed by constant. The keys stay literal types so that
 * `EventConstant` is a closed union the compiler checks.
 */
export function defineGroup<K extends string>(
  defaults: GroupDefaults,
  specs: Record<K, EventSpec>,
): Record<K, CatalogEntry> {
  const entries = Object.entries<EventSpec>(specs).map(([constant, spec]): [string, CatalogEntry] => [
    constant,
    {
      constant,
      action: spec.action ?? constant,
      title: spec.title,
      category: spec.category ?? defaults.category,
      source: defaults.source,
      group: defaults.group,
      severity: spec.severity,
      ownSeverity: spec.ownSeverity ?? false,
      push: spec.push ?? defaults.push,
      description: spec.description,
    },
  ]);
  return Object.fromEntries(entries) as Record<K, CatalogEntry>;
}
