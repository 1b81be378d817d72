import { defineChannel } from '../core/channel.js';
import { servicenowConfigSchema, tableEndpoint } from './config.js';
import { openServiceNow } from './send.js';

export {
  servicenowConfigSchema,
  tableEndpoint,
  type ServiceNowConfig,
  SERVICENOW_DEFAULT_TABLE,
  SERVICENOW_TABLE_PATTERN,
  SERVICENOW_INSTANCE_URL_MAX_LENGTH,
  SERVICENOW_REFERENCE_MAX_LENGTH,
  SERVICENOW_CATEGORY_MAX_LENGTH,
} from './config.js';
export {
  renderIncident,
  renderDescription,
  renderShortDescription,
  correlationIdFor,
  lookupUrl,
  createUrl,
  basicAuthorization,
  SERVICENOW_SEVERITY,
  SERVICENOW_SHORT_DESCRIPTION_MAX_LENGTH,
  SERVICENOW_DESCRIPTION_MAX_LENGTH,
  SERVICENOW_CORRELATION_ID_MAX_LENGTH,
  SERVICENOW_REQUEST_MAX_BYTES,
  type IncidentRecord,
  type IncidentRenderInput,
} from './render.js';
export { errorText } from './send.js';

/**
 * Sends per second to one sink. ServiceNow publishes no fixed Table API rate: an instance limits
 * only through its own hourly rate-limit rules, answered with 429 + Retry-After
 * (https://www.servicenow.com/docs/r/xanadu/api-reference/rest-api-explorer/inbound-REST-API-rate-limiting.html),
 * and transaction quotas may also answer 429 (channels.md §8, not researched). Each send is two requests
 * (lookup, then create); 2 sends a second is far above any real incident rate and keeps a burst
 * from crowding an instance's integration users. A 429 beyond it is retried after Retry-After.
 */
export const SERVICENOW_RATE_PER_SECOND = 2;

/** ServiceNow incidents (or any task table) through the Table API, opened once per event. See README.md. */
export const servicenow = defineChannel({
  id: 'servicenow',
  sinkType: 'ServiceNow',
  plan: 'team',
  configSchema: servicenowConfigSchema,
  secretFields: ['password'],
  urls: (config) => [config.instance_url],
  request: { ratePerSecond: SERVICENOW_RATE_PER_SECOND },
  open: openServiceNow,
});
