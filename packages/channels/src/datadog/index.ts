import { defineChannel } from '../core/channel.js';
import { datadogConfigSchema, datadogEndpoint } from './config.js';
import { DATADOG_PAYLOAD_MAX_BYTES, DATADOG_PAYLOAD_MAX_ITEMS } from './render.js';
import { openDatadog } from './send.js';

export {
  datadogConfigSchema,
  datadogEndpoint,
  datadogIntakeBase,
  type DatadogConfig,
  type DatadogSite,
  DATADOG_SITES,
  DATADOG_DEFAULT_SITE,
  DATADOG_LOGS_PATH,
  DATADOG_API_KEY_PATTERN,
  DATADOG_API_URL_MAX_LENGTH,
  DATADOG_CONFIG_TAGS_MAX,
  DATADOG_RESERVED_TAG_KEYS,
  DATADOG_DEFAULT_SERVICE,
  DATADOG_DEFAULT_SOURCE,
} from './config.js';
export {
  renderDatadogLog,
  datadogMessage,
  datadogStatus,
  datadogTags,
  datadogDate,
  DATADOG_STATUS_OF_LEVEL,
  DATADOG_STATUS_OF_SEVERITY,
  DATADOG_PAYLOAD_MAX_BYTES,
  DATADOG_PAYLOAD_MAX_ITEMS,
  DATADOG_LOG_MAX_BYTES,
  DATADOG_MESSAGE_MAX_CHARS,
  type DatadogLogItem,
  type DatadogStatus,
  type RenderedLog,
} from './render.js';
export { normalizeTag, datadogTag, DATADOG_TAG_MAX_CHARS } from './tags.js';
export { classifyDatadog, datadogErrorText, DATADOG_MAX_413_SPLITS } from './send.js';

/**
 * How long the first delivery of a batch waits for others: long enough for a burst of audit
 * events to share a request, short enough that a SIEM sees an event within a second.
 */
export const DATADOG_BATCH_MAX_WAIT_MS = 200;

/** Datadog Logs API v2 (`POST https://http-intake.logs.<site>/api/v2/logs`). See README.md. */
export const datadog = defineChannel({
  id: 'datadog',
  sinkType: 'Datadog',
  plan: 'enterprise',
  routing: 'siem',
  configSchema: datadogConfigSchema,
  secretFields: ['api_key'],
  urls: (config) => [datadogEndpoint(config)],
  // The vendor's per-request limits: the worker groups within them, and the sender splits its
  // rendered logs again, since a rendered log is larger than the record the worker measures.
  batch: { maxEvents: DATADOG_PAYLOAD_MAX_ITEMS, maxBytes: DATADOG_PAYLOAD_MAX_BYTES, maxWaitMs: DATADOG_BATCH_MAX_WAIT_MS },
  open: openDatadog,
});
