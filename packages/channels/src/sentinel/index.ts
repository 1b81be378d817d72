import { defineChannel } from '../core/channel.js';
import { SENTINEL_SECRET_FIELDS, sentinelConfigSchema, sentinelUrls } from './config.js';
import { SENTINEL_REQUEST_MAX_BYTES, SENTINEL_REQUEST_MAX_EVENTS } from './render.js';
import { openSentinel } from './send.js';

export {
  sentinelConfigSchema,
  logsIngestionConfigSchema,
  dataCollectorConfigSchema,
  sentinelUrls,
  ingestionUrl,
  tokenUrl,
  tokenScope,
  collectorUrl,
  SENTINEL_CLOUDS,
  SENTINEL_SECRET_FIELDS,
  LOGS_INGESTION_API_VERSION,
  DATA_COLLECTOR_API_VERSION,
  type SentinelConfig,
  type LogsIngestionConfig,
  type DataCollectorConfig,
  type SentinelCloud,
} from './config.js';
export { LOGS_INGESTION_COLUMNS, DATA_COLLECTOR_FIELDS, DATA_COLLECTOR_TIME_FIELD } from './columns.js';
export {
  renderIngestionRow,
  renderCollectorRow,
  SENTINEL_SEVERITY,
  SENTINEL_REQUEST_MAX_BYTES,
  SENTINEL_REQUEST_MAX_EVENTS,
  LOGS_INGESTION_FIELD_MAX_BYTES,
  DATA_COLLECTOR_FIELD_MAX_BYTES,
} from './render.js';
export { collectorSignature, collectorStringToSign, collectorAuthorization } from './signature.js';
export { classifyTokenResponse, TokenCache, TOKEN_REFRESH_MARGIN_MS } from './token.js';
export { classifySentinel } from './send.js';

/**
 * How long the first delivery of a batch waits for others: long enough to gather a burst into
 * one request, short next to the seconds Azure takes to make ingested rows queryable.
 */
export const SENTINEL_MAX_WAIT_MS = 200;

/** Microsoft Sentinel (Log Analytics): Logs Ingestion API, or the retired Data Collector API. See README.md. */
export const sentinel = defineChannel({
  id: 'sentinel',
  sinkType: 'Sentinel',
  plan: 'enterprise',
  routing: 'siem',
  configSchema: sentinelConfigSchema,
  secretFields: SENTINEL_SECRET_FIELDS,
  urls: sentinelUrls,
  batch: { maxEvents: SENTINEL_REQUEST_MAX_EVENTS, maxBytes: SENTINEL_REQUEST_MAX_BYTES, maxWaitMs: SENTINEL_MAX_WAIT_MS },
  open: openSentinel,
});
