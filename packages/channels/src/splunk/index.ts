import { defineChannel } from '../core/channel.js';
import { splunkConfigSchema, splunkEventUrl } from './config.js';
import { SPLUNK_REQUEST_MAX_BYTES, SPLUNK_REQUEST_MAX_EVENTS } from './render.js';
import { openSplunk } from './send.js';

export {
  splunkConfigSchema,
  splunkEventUrl,
  type SplunkConfig,
  SPLUNK_EVENT_PATH,
  SPLUNK_URL_MAX_LENGTH,
  SPLUNK_TOKEN_MAX_LENGTH,
  SPLUNK_INDEX_MAX_LENGTH,
  SPLUNK_METADATA_MAX_LENGTH,
  SPLUNK_DEFAULT_SOURCE,
  SPLUNK_DEFAULT_SOURCETYPE,
} from './config.js';
export {
  renderSplunkEvent,
  metadataPrefix,
  splunkMetadata,
  splunkFields,
  splunkTime,
  SPLUNK_REQUEST_MAX_BYTES,
  SPLUNK_REQUEST_MAX_EVENTS,
  type RenderedSplunkEvent,
  type SplunkFields,
  type SplunkMetadata,
} from './render.js';
export { classifySplunk, parseHecAnswer, HEC_CODES, SPLUNK_TEXT_MAX_CHARS, type HecAnswer } from './send.js';

/**
 * How long the first delivery of a batch waits for others. Short, since a SIEM wants events
 * promptly, and long enough for a busy sink's ready jobs to meet: at 10,000 events/s a batch
 * fills its 1,000 events in 100 ms.
 */
export const SPLUNK_BATCH_MAX_WAIT_MS = 200;

/** Splunk HTTP Event Collector, JSON event endpoint. See README.md. */
export const splunk = defineChannel({
  id: 'splunk',
  sinkType: 'Splunk',
  plan: 'enterprise',
  routing: 'siem',
  configSchema: splunkConfigSchema,
  secretFields: ['token'],
  urls: (config) => [splunkEventUrl(config.url)],
  // The worker's batch limits are the request limits: it measures records without HEC's
  // envelope, so the sender splits again by the rendered bytes.
  batch: { maxEvents: SPLUNK_REQUEST_MAX_EVENTS, maxBytes: SPLUNK_REQUEST_MAX_BYTES, maxWaitMs: SPLUNK_BATCH_MAX_WAIT_MS },
  open: openSplunk,
});
