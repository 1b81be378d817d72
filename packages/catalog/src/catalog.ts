import { curatedEvents } from './events/curated/index.js';
import { vaultpamEvents } from './events/vaultpam/index.js';
import { tocsinEvents } from './events/tocsin/index.js';
import type { CatalogEntry } from './types.js';

export { curatedEvents, vaultpamEvents, tocsinEvents };

/**
 * Every typed event, keyed by constant. A spread silently keeps the last of two equal keys, so
 * catalog.test.ts checks that the sources share no constant.
 */
export const catalog = { ...curatedEvents, ...vaultpamEvents, ...tocsinEvents } satisfies Record<string, CatalogEntry>;

export type EventConstant = keyof typeof catalog;
