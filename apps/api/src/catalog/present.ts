import { ACTOR_TYPES, TARGET_TYPES, VAULTPAM_SEVERITY_LEVELS, catalog, type CatalogEntry } from '@tocsin/catalog';
import type { CatalogQuery, CatalogResponse } from './schema.js';

type PublicEntry = CatalogResponse['events'][number];

/** The package's entry in the API's snake_case; the return type is the response schema's. */
export function presentEntry(entry: CatalogEntry): PublicEntry {
  return {
    constant: entry.constant,
    action: entry.action,
    title: entry.title,
    category: entry.category,
    source: entry.source,
    group: entry.group,
    severity: entry.severity,
    own_severity: entry.ownSeverity,
    push: entry.push,
    description: entry.description,
  };
}

const ENTRIES: readonly CatalogEntry[] = Object.values(catalog);

/** Every typed event of the three sources, in catalog order, narrowed by the filters given. */
export function presentCatalog(filter: CatalogQuery): CatalogResponse {
  const events = ENTRIES.filter(
    (e) =>
      (filter.category === undefined || e.category === filter.category) &&
      (filter.push === undefined || e.push === filter.push) &&
      (filter.source === undefined || e.source === filter.source),
  ).map(presentEntry);
  return {
    events,
    actor_types: ACTOR_TYPES.map(({ value, description }) => ({ value, description })),
    target_types: TARGET_TYPES.map(({ value, description }) => ({ value, description })),
    levels: VAULTPAM_SEVERITY_LEVELS.map(({ value, meaning, severity }) => ({ value, meaning, severity })),
  };
}
