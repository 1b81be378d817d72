import { catalog, type EventConstant } from './catalog.js';
import type { CatalogEntry } from './types.js';

const entries: readonly CatalogEntry[] = Object.values(catalog);
const byAction = new Map(entries.map((entry) => [entry.action, entry]));
const byConstant = new Map(entries.map((entry) => [entry.constant, entry]));

/**
 * The entry for an action as records carry it (the wire string) or as sink event lists name it
 * (the constant); undefined for actions outside the catalog, which are stored but never pushed.
 */
export function lookupAction(action: string): CatalogEntry | undefined {
  return byAction.get(action) ?? byConstant.get(action);
}

export function isCatalogConstant(s: string): s is EventConstant {
  return Object.hasOwn(catalog, s);
}
