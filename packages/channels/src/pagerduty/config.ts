import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';

/**
 * An Events API v2 integration key: "the 32 character Integration Key for an integration on a
 * service or on a global ruleset" (`routing_key`,
 * https://developer.pagerduty.com/docs/events-API-v2/trigger-events/, PagerDuty/developer-docs
 * `docs/events-API-v2/02-Trigger-Events.md`). PagerDuty's keys are alphanumeric; a wrong length
 * is refused with "Service key is the wrong length (should be 32 characters)".
 */
export const PAGERDUTY_ROUTING_KEY_LENGTH = 32;
const ROUTING_KEY = new RegExp(`^[A-Za-z0-9]{${PAGERDUTY_ROUTING_KEY_LENGTH}}$`);

/** Production Events API v2 hosts by service region (channels.md §6). */
export const PAGERDUTY_BASE_URLS = {
  /** https://developer.pagerduty.com/docs/events-API-v2/trigger-events/ ("Endpoint"). */
  us: 'https://events.pagerduty.com',
  /**
   * EU service region. PagerDuty's service-regions page says each region has its own API hosts;
   * the host is the one every maintained client uses (channels.md §6 marks it [UNVERIFIED primary]).
   */
  eu: 'https://events.eu.pagerduty.com',
} as const;

/** The path the channel appends to the base URL (default, regional or `api_url`). */
export const PAGERDUTY_ENQUEUE_PATH = '/v2/enqueue';

/** Longest accepted `api_url`; the same practical limit as the webhook channel's URL (2,048). */
export const PAGERDUTY_API_URL_MAX_LENGTH = 2048;

export const pagerdutyConfigSchema = z.strictObject({
  /** The integration key (secret): 32 letters and digits. Encrypted at rest, never returned. */
  routing_key: z.string().regex(ROUTING_KEY, { message: `must be exactly ${PAGERDUTY_ROUTING_KEY_LENGTH} letters or digits (the integration key)` }),
  /**
   * Overrides the base URL (a proxy, a test receiver); `/v2/enqueue` is appended to its path. No
   * query or fragment, since the path is appended. Takes precedence over `region`.
   * @defaultValue the region's host
   */
  api_url: httpUrlField(PAGERDUTY_API_URL_MAX_LENGTH)
    .refine((value) => !value.includes('?') && !value.includes('#'), { message: 'must not have a query or fragment (/v2/enqueue is appended to its path)' })
    .optional(),
  /** PagerDuty service region of the account. @defaultValue `us` */
  region: z.enum(['us', 'eu']).optional(),
});

export type PagerDutyConfig = z.infer<typeof pagerdutyConfigSchema>;

/** The one URL events are POSTed to: `api_url`, else the region's host, plus `/v2/enqueue`. */
export function pagerdutyEndpoint(config: Pick<PagerDutyConfig, 'api_url' | 'region'>): string {
  const base = config.api_url ?? PAGERDUTY_BASE_URLS[config.region ?? 'us'];
  return `${base.replace(/\/+$/, '')}${PAGERDUTY_ENQUEUE_PATH}`;
}
