import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';
import { siemConfigFields } from '../core/siem.js';
import { DATADOG_TAG_MAX_CHARS, normalizeTag } from './tags.js';

/**
 * Datadog sites, each its own intake host `http-intake.logs.<site>` (US1, US3, US5, EU1, AP1,
 * AP2, UK1, US1-FED, US2-FED). https://docs.datadoghq.com/getting_started/site/ and the
 * `site` server variable of `POST /api/v2/logs` (https://docs.datadoghq.com/api/latest/logs/#send-logs).
 * An account lives on exactly one site, and a key of one is refused by the others.
 */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;
export type DatadogSite = (typeof DATADOG_SITES)[number];

/** US1, the site Datadog's own agents and clients default to (`DD_SITE`). */
export const DATADOG_DEFAULT_SITE: DatadogSite = 'datadoghq.com';

/** The Logs API v2 intake path, appended to the site's host or to `api_url`. */
export const DATADOG_LOGS_PATH = '/api/v2/logs';

/** The intake base URL of a site. */
export const datadogIntakeBase = (site: DatadogSite): string => `https://http-intake.logs.${site}`;

/**
 * An API key (not an application key, not a browser "client token" `pub…`): 32 hexadecimal
 * characters, as Datadog shows them under Organization Settings → API Keys. Datadog does not
 * document the format; every key it issues has it, and secret scanners match it the same way.
 * The pattern also keeps the `DD-API-KEY` header free of whitespace and control characters.
 */
export const DATADOG_API_KEY_PATTERN = /^[0-9a-fA-F]{32}$/;

/** Longest `api_url`: the same practical limit as the webhook channel's URL. */
export const DATADOG_API_URL_MAX_LENGTH = 2048;

/**
 * Most configured tags. Datadog documents no per-log tag count; this bounds the stored config
 * and the tag string of every log (the event's own five tags come on top).
 */
export const DATADOG_CONFIG_TAGS_MAX = 32;

/**
 * Longest `service` and `source`. Datadog documents none for logs; they become the `service`
 * and `source` tags, which are ≤ 200 characters, and 100 is the service-name bound of its
 * unified service tagging examples. Our bound.
 */
export const DATADOG_NAME_MAX_CHARS = 100;

/** `service` and `ddsource` of every log when not configured. */
export const DATADOG_DEFAULT_SERVICE = 'tocsin';
export const DATADOG_DEFAULT_SOURCE = 'tocsin';

/**
 * Tag keys a configured tag must not use: `host`, `device`, `source` and `service` are reserved
 * by Datadog ("cannot be specified in the standard way", getting_started/tagging), and the rest
 * are the ones Tocsin sets from the event, so a configured tag can never contradict them.
 */
export const DATADOG_RESERVED_TAG_KEYS = ['host', 'device', 'source', 'service', 'severity', 'level', 'category', 'action', 'tenant', 'date_adjusted'] as const;

/** A value already in Datadog's normal form: what Datadog would store is exactly what we send. */
const normalName = z
  .string()
  .min(1)
  .max(DATADOG_NAME_MAX_CHARS)
  .superRefine((value, ctx) => {
    const normal = normalizeTag(value);
    if (normal !== value || !/^\p{L}/u.test(value)) {
      ctx.addIssue({ code: 'custom', message: `must be in Datadog's tag form: start with a letter, lowercase letters, digits, _ - : . / only${normal ? ` (e.g. "${normal}")` : ''}` });
    }
  });

/**
 * A configured tag: `key:value`, already in Datadog's normal form (lowercase, starts with a
 * letter, only letters, digits, `_ - : . /`, no trailing `_` or `:`, ≤ 200 characters), with a
 * key Tocsin does not set itself. Refused rather than rewritten, so the admin sees at save what
 * Datadog will show.
 */
const tagField = z
  .string()
  .min(3)
  .max(DATADOG_TAG_MAX_CHARS)
  .superRefine((tag, ctx) => {
    const colon = tag.indexOf(':');
    if (colon <= 0 || colon === tag.length - 1) {
      ctx.addIssue({ code: 'custom', message: 'must be key:value' });
      return;
    }
    const normal = normalizeTag(tag);
    if (normal !== tag || !/^\p{L}/u.test(tag)) {
      ctx.addIssue({ code: 'custom', message: `must be in Datadog's tag form: start with a letter, lowercase letters, digits, _ - : . / only${normal ? ` (e.g. "${normal}")` : ''}` });
      return;
    }
    const key = tag.slice(0, colon);
    if ((DATADOG_RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
      ctx.addIssue({ code: 'custom', message: `the key "${key}" is reserved by Datadog or set by Tocsin from the event` });
    }
  });

export const datadogConfigSchema = z.strictObject({
  /** The Datadog site of the account. @defaultValue `datadoghq.com` */
  site: z.enum(DATADOG_SITES).optional(),
  /** The API key (secret), sent as `DD-API-KEY`. Encrypted at rest, never returned. */
  api_key: z.string().regex(DATADOG_API_KEY_PATTERN, { message: 'must be a Datadog API key: 32 hexadecimal characters' }),
  /**
   * Replaces the intake base URL (a proxy, a test receiver); `/api/v2/logs` is appended to its
   * path. No query or fragment, since the path is appended. Wins over `site`.
   * @defaultValue `https://http-intake.logs.<site>`
   */
  api_url: httpUrlField(DATADOG_API_URL_MAX_LENGTH)
    .refine((value) => !value.includes('?') && !value.includes('#'), { message: 'must not have a query or fragment (/api/v2/logs is appended to its path)' })
    .optional(),
  /** `service` of every log. @defaultValue `tocsin` */
  service: normalName.optional(),
  /** `ddsource` of every log: Datadog picks pipelines and facets by it. @defaultValue `tocsin` */
  source: normalName.optional(),
  /** Tags added to every log, e.g. `env:prod`, `team:secops`. @defaultValue none */
  tags: z.array(tagField).max(DATADOG_CONFIG_TAGS_MAX).optional(),
  ...siemConfigFields,
});

export type DatadogConfig = z.infer<typeof datadogConfigSchema>;

/** The one URL logs are POSTed to: `api_url`, else the site's intake host, plus `/api/v2/logs`. */
export function datadogEndpoint(config: Pick<DatadogConfig, 'api_url' | 'site'>): string {
  const base = config.api_url ?? datadogIntakeBase(config.site ?? DATADOG_DEFAULT_SITE);
  return `${base.replace(/\/+$/, '')}${DATADOG_LOGS_PATH}`;
}
