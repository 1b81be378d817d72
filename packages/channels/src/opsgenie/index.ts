import { defineChannel } from '../core/channel.js';
import { alertsEndpoint, opsgenieConfigSchema } from './config.js';
import { openOpsgenie } from './send.js';

export {
  alertsEndpoint,
  opsgenieConfigSchema,
  opsgenieResponderSchema,
  type OpsgenieConfig,
  type OpsgenieRegion,
  type OpsgenieResponder,
  OPSGENIE_REGIONS,
  OPSGENIE_BASE_URLS,
  OPSGENIE_ALERTS_PATHS,
  OPSGENIE_API_KEY_PATTERN,
  OPSGENIE_RESPONDERS_MAX,
  OPSGENIE_TAGS_MAX,
  OPSGENIE_TAG_MAX_LENGTH,
  OPSGENIE_CONFIG_TAGS_MAX,
} from './config.js';
export {
  renderOpsgenieAlert,
  OPSGENIE_PRIORITY,
  OPSGENIE_MESSAGE_MAX_LENGTH,
  OPSGENIE_ALIAS_MAX_LENGTH,
  OPSGENIE_DESCRIPTION_MAX_LENGTH,
  OPSGENIE_ENTITY_MAX_LENGTH,
  OPSGENIE_SOURCE_MAX_LENGTH,
  OPSGENIE_DETAILS_MAX_CHARS,
  type OpsgenieAlert,
  type OpsgeniePriority,
  type OpsgenieRenderInput,
} from './render.js';
export { classifyOpsgenieResponse } from './send.js';

/**
 * Opsgenie's Alert API rate limits are per account and request domain, with a per-second and a
 * per-minute token bucket whose sizes depend on the plan and are not published
 * (https://docs.opsgenie.com/docs/api-rate-limiting; channels.md §13 [UNVERIFIED]). 5 alerts a
 * second per sink (300 a minute) is far above any real audit-alert rate and low enough not to
 * drain a shared account bucket in a burst; a 429 beyond it is retried.
 */
export const OPSGENIE_RATE_PER_SECOND = 5;

/**
 * Opsgenie alerts (US or EU instance) and Jira Service Management Operations, which takes the same
 * body. Opsgenie's own API ends on 2027-04-05: move sinks to `region: 'jsm'`. See README.md.
 */
export const opsgenie = defineChannel({
  id: 'opsgenie',
  sinkType: 'Opsgenie',
  plan: 'team',
  configSchema: opsgenieConfigSchema,
  secretFields: ['api_key'],
  urls: (config) => [alertsEndpoint(config)],
  request: { ratePerSecond: OPSGENIE_RATE_PER_SECOND },
  open: openOpsgenie,
});
