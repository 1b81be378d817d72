import { z } from 'zod';

/**
 * The config field by which a SIEM sink opts in to DEBUG events, which VaultPAM's catalog says
 * are "not forwarded to SIEM by default". Ingest reads it from the stored config (it is never a
 * secret), so its name is defined once, here.
 */
export const FORWARD_DEBUG_FIELD = 'forward_debug';

/** Fields every SIEM kind's config has; spread into its strict object schema. */
export const siemConfigFields = {
  /** Forward DEBUG events too. @defaultValue false */
  [FORWARD_DEBUG_FIELD]: z.boolean().optional(),
} as const;
