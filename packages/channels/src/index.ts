/**
 * @tocsin/channels: the delivery side of Tocsin. Channels render, sign, send and classify; the
 * worker maps outcomes to BullMQ. The testing kit is a separate entry: `src/testing/index.ts`.
 */

// The channel contract and the registry.
export {
  defineChannel,
  perDelivery,
  requestSettings,
  DEFAULT_REQUEST_SETTINGS,
  PrepareError,
  type AnyChannel,
  type BatchLimits,
  type Channel,
  type CreationHook,
  type DeliveryItem,
  type OpenDeps,
  type OperatorSetting,
  type PrepareDeps,
  type RequestSettings,
  type RequiredPlan,
  type Resolved,
  type SendContext,
  type Sender,
  type SinkRef,
} from './core/channel.js';
export {
  channels,
  channelById,
  channelBySinkType,
  channelIds,
  sinkTypes,
  secretFieldNames,
  operatorSettings,
  type ChannelConfig,
  type ChannelId,
  type Channels,
  type RegisteredChannel,
  type SinkType,
} from './registry.js';
export { SenderCache, type SenderCacheOptions, type StoredSink } from './core/senders.js';
export { sendOnce, type SendOnceOptions } from './core/send-once.js';
export { resolveChannelConfig, resolveSecrets, InvalidConfigError } from './core/resolve-config.js';
export { sealConfig, unsealConfig, openConfig, redactConfig, type Cipher, type SinkIdentity } from './core/sealed-config.js';

// What a send produces.
export { delivered, type Outcome, type ResponseInfo } from './core/outcome.js';
export { FAILURE_REASONS, type FailureReason } from './core/reasons.js';
export {
  classifyStatus,
  classifyTransportError,
  sendAndClassify,
  parseRetryAfter,
  reasonForStatus,
  RETRYABLE_STATUSES,
  RETRY_AFTER_MAX_MS,
  OUTCOME_BODY_MAX_BYTES,
  type ClassifyOptions,
} from './core/classify.js';

// Data types.
export { Secret, REDACTED_MARKER } from './core/secret.js';
export type { EventRecord, Party } from './core/event-record.js';
export { toWireRecord, serializeEventRecord } from './core/wire-record.js';

// The HTTP client and the egress guard.
export {
  createHttpClient,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_USER_AGENT,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from './core/http.js';
export { HttpTransportError, InvalidHeaderError, type HttpTransportErrorCode } from './core/http-error.js';
export * from './core/egress.js';

// Signing and helpers.
export { standardWebhookSignature, standardWebhookKey, hubSignature, SigningInputError, STANDARD_WEBHOOKS_SECRET_PREFIX } from './core/signing.js';
export { truncateUtf8, decodeUtf8Prefix, utf8Length } from './core/truncate.js';
export { toHeaderValue } from './core/header-value.js';
export { httpUrlField } from './core/config-fields.js';
export { splitBatch, gzip, jsonArray, JSON_ARRAY_FRAMING, type SplitLimits } from './core/batch.js';
export { fitDetail, type Fitted, type TruncatedDetail } from './core/fit-detail.js';
export { siemConfigFields, FORWARD_DEBUG_FIELD } from './core/siem.js';
export { sinkTakes, type RoutableSink, type RoutedEvent } from './routing.js';
