import { defineChannel } from '../core/channel.js';
import { pagerdutyConfigSchema, pagerdutyEndpoint } from './config.js';
import { openPagerDuty } from './send.js';

export {
  pagerdutyConfigSchema,
  pagerdutyEndpoint,
  type PagerDutyConfig,
  PAGERDUTY_BASE_URLS,
  PAGERDUTY_ENQUEUE_PATH,
  PAGERDUTY_ROUTING_KEY_LENGTH,
  PAGERDUTY_API_URL_MAX_LENGTH,
} from './config.js';
export {
  renderPagerDuty,
  pagerdutyDedupKey,
  pagerdutySummary,
  pagerdutySource,
  PAGERDUTY_SEVERITY,
  PAGERDUTY_SUMMARY_MAX_CHARS,
  PAGERDUTY_DEDUP_KEY_MAX_CHARS,
  PAGERDUTY_PAYLOAD_MAX_BYTES,
  type PagerDutyTrigger,
  type RenderedPagerDuty,
} from './render.js';
export { classifyPagerDuty } from './send.js';

/**
 * "The Events v2 API has a limit of approximately 120 calls/minute per integration key", over a
 * 60 s sliding window (https://developer.pagerduty.com/docs/events-API-v2/rate-limits/,
 * PagerDuty/developer-docs `docs/events-API-v2/05-Rate-Limits.md`): 2 per second per sink.
 */
export const PAGERDUTY_RATE_PER_SECOND = 2;

/** PagerDuty Events API v2 trigger events. See README.md. */
export const pagerduty = defineChannel({
  id: 'pagerduty',
  sinkType: 'PagerDuty',
  plan: 'team',
  configSchema: pagerdutyConfigSchema,
  secretFields: ['routing_key'],
  urls: (config) => [pagerdutyEndpoint(config)],
  request: { ratePerSecond: PAGERDUTY_RATE_PER_SECOND },
  open: openPagerDuty,
});
