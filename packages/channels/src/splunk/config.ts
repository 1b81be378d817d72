import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';
import { siemConfigFields } from '../core/siem.js';

/** Longest accepted `url`; the same practical limit as the other channels' URLs (2,048). */
export const SPLUNK_URL_MAX_LENGTH = 2048;

/**
 * The HEC JSON event endpoint, appended to the base URL ("HTTP Event Collector REST API
 * endpoints", help.splunk.com; channels.md §9). `/services/collector` and
 * `/services/collector/event/1.0` are documented aliases of it.
 */
export const SPLUNK_EVENT_PATH = '/services/collector/event';
const COLLECTOR_PATH = '/services/collector';

/**
 * Paths an admin may paste that already name the event endpoint: used as they are (the bare
 * collector path gets `/event`), never doubled.
 */
const EVENT_PATH_ENDINGS = [`${SPLUNK_EVENT_PATH}/1.0`, SPLUNK_EVENT_PATH] as const;

/**
 * A HEC token. Splunk generates GUIDs (`inputs.conf` `[http://name] token = <string>`; Splunk Web
 * and the ACS API create GUIDs), and HEC-compatible receivers take other strings, so any visible
 * ASCII is accepted; whitespace and control characters are refused (the token goes into the
 * `Authorization` header), and so is anything longer than any token seen in practice.
 */
export const SPLUNK_TOKEN_MAX_LENGTH = 256;
const TOKEN = new RegExp(`^[\\x21-\\x7e]{1,${SPLUNK_TOKEN_MAX_LENGTH}}$`);

/**
 * Splunk's index name rule, `indexes.conf.spec` ("PER INDEX OPTIONS"): "Index names must consist
 * of only numbers, lowercase letters, underscores, and hyphens. They cannot begin with an
 * underscore or hyphen, or contain the word "kvstore"." The spec gives no length limit; 80
 * characters is ours (no Splunk index is near it), so a typo'd paste is refused early.
 */
export const SPLUNK_INDEX_MAX_LENGTH = 80;
const INDEX = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Longest `source`, `sourcetype` and `host`. Splunk documents no limit for these default fields;
 * 256 characters is ours, far above any real value and small against the request budget.
 */
export const SPLUNK_METADATA_MAX_LENGTH = 256;

/** The `sourcetype` sent when none is configured. */
export const SPLUNK_DEFAULT_SOURCETYPE = 'tocsin:audit';
/** The `source` sent when none is configured. */
export const SPLUNK_DEFAULT_SOURCE = 'tocsin';

/** The path of `url` without trailing slashes, or undefined when it does not parse. */
function pathOf(value: string): string | undefined {
  try {
    return new URL(value).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** A HEC path segment other than the event endpoint (`/raw`, `/ack`, `/health`) was pasted. */
function isOtherCollectorEndpoint(path: string): boolean {
  const at = path.indexOf(`${COLLECTOR_PATH}/`);
  if (at < 0) return false;
  return !EVENT_PATH_ENDINGS.some((ending) => path.endsWith(ending));
}

/** A default field value: one line of text, no control or format characters, no edge spaces. */
const metadataField = (what: string) =>
  z
    .string()
    .min(1)
    .max(SPLUNK_METADATA_MAX_LENGTH)
    .refine((value) => !/[\p{Cc}\p{Cf}]/u.test(value) && value.trim() === value, { message: `${what} must be one line without control characters or leading/trailing spaces` });

export const splunkConfigSchema = z.strictObject({
  /**
   * The HEC base URL, e.g. `https://splunk.example.com:8088` or
   * `https://http-inputs-acme.splunkcloud.com`, optionally with a proxy's path prefix;
   * `/services/collector/event` is appended. A URL that already ends in `/services/collector`,
   * `/services/collector/event` or `/services/collector/event/1.0` is used without doubling the
   * path. No query or fragment (a path is appended), no userinfo (the egress guard's rule).
   */
  url: httpUrlField(SPLUNK_URL_MAX_LENGTH)
    .refine((value) => !value.includes('?') && !value.includes('#'), { message: 'must not have a query or fragment (the HEC path is appended to it)' })
    .refine((value) => {
      const path = pathOf(value);
      return path === undefined || !isOtherCollectorEndpoint(path);
    }, { message: 'must be the HEC base URL or end in /services/collector/event (raw, ack and health endpoints are not event endpoints)' }),
  /** The HEC token (secret), sent as `Authorization: Splunk <token>`. Encrypted at rest, never returned. */
  token: z.string().regex(TOKEN, { message: `must be 1–${SPLUNK_TOKEN_MAX_LENGTH} visible ASCII characters without spaces (the HEC token, a GUID in Splunk)` }),
  /**
   * The index events go to; it must exist and be allowed for the token.
   * @defaultValue not sent: the token's default index applies
   */
  index: z
    .string()
    .max(SPLUNK_INDEX_MAX_LENGTH)
    .regex(INDEX, { message: 'must be lowercase letters, digits, "_" and "-", not starting with "_" or "-" (Splunk index name rule)' })
    .refine((value) => !value.includes('kvstore'), { message: 'must not contain "kvstore" (Splunk index name rule)' })
    .optional(),
  /** @defaultValue `tocsin:audit` */
  sourcetype: metadataField('sourcetype').optional(),
  /** @defaultValue `tocsin` */
  source: metadataField('source').optional(),
  /**
   * The `host` of every event.
   * @defaultValue not sent: Splunk applies the token's or the receiving instance's default host
   */
  host: metadataField('host').optional(),
  ...siemConfigFields,
});

export type SplunkConfig = z.infer<typeof splunkConfigSchema>;

/**
 * The one URL events are POSTed to: `url` plus `/services/collector/event`, unless `url` already
 * ends in an event endpoint (then as it is; the bare `/services/collector` gets `/event`).
 */
export function splunkEventUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  if (EVENT_PATH_ENDINGS.some((ending) => base.endsWith(ending))) return base;
  if (base.endsWith(COLLECTOR_PATH)) return `${base}/event`;
  return `${base}${SPLUNK_EVENT_PATH}`;
}
