import { z } from 'zod';
import { CATEGORIES, LEVELS, SEVERITIES, SOURCES } from '@tocsin/catalog';

/** Query of GET /v1/catalog: each filter narrows the event list; none given lists every event. */
export const catalogQuery = z.strictObject({
  category: z.enum(CATEGORIES).optional(),
  /** Query strings carry text: `true` lists the events sinks may receive, `false` the pull-only ones. */
  push: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .optional(),
  source: z.enum(SOURCES).optional(),
});
export type CatalogQuery = z.output<typeof catalogQuery>;

/** One catalog entry as the API shows it: the package's CatalogEntry, snake_case. */
export const catalogEntry = z.strictObject({
  constant: z.string().meta({ description: 'What a sink’s event list names, e.g. CREDENTIAL_EXPOSURE_DETECTED.' }),
  action: z.string().meta({ description: 'The wire string producers send and records carry.' }),
  title: z.string(),
  category: z.enum(CATEGORIES),
  source: z.enum(SOURCES).meta({ description: 'vaultterm: the curated push catalog; vaultpam: VaultPAM’s public audit catalog; tocsin: Tocsin’s own configuration events.' }),
  group: z.string().meta({ description: 'The documentation section, e.g. "Connections / Sessions".' }),
  severity: z.enum(SEVERITIES).meta({ description: 'The default severity.' }),
  own_severity: z.boolean().meta({ description: 'True when a producer-supplied severity is the effective one.' }),
  push: z.boolean().meta({ description: 'True when the event may be pushed to alert sinks; every typed event may go to SIEM sinks.' }),
  description: z.string(),
});

const vocabulary = z.strictObject({ value: z.string(), description: z.string() });

/** The answer of GET /v1/catalog. Filters apply to `events`; the vocabularies are always whole. */
export const catalogResponse = z.strictObject({
  events: z.array(catalogEntry),
  actor_types: z.array(vocabulary).meta({ description: 'Who acted, as VaultPAM’s catalog names it.' }),
  target_types: z.array(vocabulary).meta({ description: 'What was acted on, as VaultPAM’s catalog names it.' }),
  levels: z
    .array(z.strictObject({ value: z.enum(LEVELS), meaning: z.string(), severity: z.enum(SEVERITIES) }))
    .meta({ description: 'VaultPAM’s five levels, accepted as an event’s severity, and the severity each stands for.' }),
});
export type CatalogResponse = z.output<typeof catalogResponse>;
