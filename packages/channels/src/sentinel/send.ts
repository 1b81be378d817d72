import type { DeliveryItem, OpenDeps, Resolved, Sender, SendContext } from '../core/channel.js';
import { gzip, JSON_ARRAY_FRAMING, jsonArray, splitBatch } from '../core/batch.js';
import { classifyStatus, classifyTransportError } from '../core/classify.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { secretScrubber } from '../core/scrub.js';
import { utf8Length } from '../core/truncate.js';
import { DATA_COLLECTOR_TIME_FIELD } from './columns.js';
import { collectorUrl, ingestionUrl, tokenScope, tokenUrl, type DataCollectorConfig, type LogsIngestionConfig, type SentinelConfig, type SentinelSecretField } from './config.js';
import {
  clientRequestId,
  renderCollectorRow,
  renderIngestionRow,
  SENTINEL_REQUEST_MAX_BYTES,
  SENTINEL_REQUEST_MAX_EVENTS,
  type RenderedRow,
} from './render.js';
import { collectorAuthorization, DATA_COLLECTOR_CONTENT_TYPE, rfc1123 } from './signature.js';
import { fetchToken, TokenCache } from './token.js';
import { jsonObject } from '../core/json.js';

/** How much of an Azure error document's code and message goes into an outcome message. */
export const SENTINEL_ERROR_TEXT_MAX_CHARS = 300;

type Scrub = (text: string) => string;
type Mode = 'logs_ingestion' | 'data_collector';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/**
 * `code: message` of Azure's error document: Logs Ingestion answers
 * `{"error":{"code":"OperationFailed","message":"…"}}` (channels.md §11, fixtures/); the Data
 * Collector's body is not documented, clients report `{"Error":"InvalidAuthorization","Message":"…"}`.
 * The fields are read for the message, never matched on.
 */
export function azureErrorText(body: string, scrub: Scrub = (t) => t): string | undefined {
  const doc = jsonObject(body);
  if (doc === undefined) return undefined;
  const inner = typeof doc.error === 'object' && doc.error !== null ? (doc.error as Record<string, unknown>) : undefined;
  const code = text(inner?.code) ?? text(doc.Error);
  const message = text(inner?.message) ?? text(doc.Message);
  const joined = [code, message].filter((part): part is string => part !== undefined).join(': ');
  if (joined === '') return undefined;
  const line = scrub(joined).replace(/[\p{Cc}\p{Cf}]+/gu, ' ');
  return line.length <= SENTINEL_ERROR_TEXT_MAX_CHARS ? line : `${line.slice(0, SENTINEL_ERROR_TEXT_MAX_CHARS - 1)}…`;
}

const HINTS: Record<Mode, Partial<Record<number, string>>> = {
  logs_ingestion: {
    401: 'the endpoint refused the token: check cloud (the token audience) and azure_tenant_id',
    403: 'grant the app the Monitoring Metrics Publisher role on the DCR (a new assignment can take up to 30 minutes to apply)',
    404: 'check endpoint, dcr_immutable_id and stream_name (the stream must be declared in the DCR)',
    413: 'one row is over the service limit',
  },
  data_collector: {
    403: 'check workspace_id and shared_key (the workspace’s primary or secondary key)',
    404: 'check workspace_id and api_url; the Data Collector API was retired on 2026-09-14 — move the sink to the Logs Ingestion API',
  },
};

/** Shared rules plus Azure's error text and a hint for the admin; the body is scrubbed first. */
export function classifySentinel(mode: Mode, response: Pick<HttpResponse, 'status' | 'headers' | 'body'>, scrub: Scrub, now: Date): Outcome {
  const body = scrub(response.body);
  const outcome = classifyStatus(response.status, response.headers, body, { now });
  if (outcome.kind === 'delivered') return outcome;
  const detail = azureErrorText(response.body, scrub);
  const hint = HINTS[mode][response.status];
  return { ...outcome, message: `${outcome.message}${detail === undefined ? '' : `: ${detail}`}${hint === undefined ? '' : ` — ${hint}`}` };
}

type Exchange = { response: HttpResponse } | { outcome: Outcome };

/** One request; a transport failure comes back classified and scrubbed, never thrown. */
async function exchange(http: HttpClient, req: HttpRequest, scrub: Scrub): Promise<Exchange> {
  try {
    return { response: await http.request(req) };
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    const outcome = classifyTransportError(error);
    return { outcome: outcome.kind === 'delivered' ? outcome : { ...outcome, message: scrub(outcome.message) } };
  }
}

/** Sends the rows of `[start, end)` in one request and classifies the answer. */
type PostRange = (start: number, end: number) => Promise<Outcome>;

/**
 * Splits the rendered rows into requests within {@link SENTINEL_REQUEST_MAX_BYTES} and
 * {@link SENTINEL_REQUEST_MAX_EVENTS}, sends them one after another and gives each item its
 * request's outcome. A 413 for a request of several rows (the service counting differently
 * from us) halves it and sends the halves ("split the batch instead", channels.md §2); for a
 * single row it is that row's permanent `payload_too_large`.
 */
async function sendInRequests(rows: readonly RenderedRow[], post: PostRange): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const sendRange = async (start: number, end: number): Promise<void> => {
    const outcome = await post(start, end);
    if (outcome.kind === 'permanent' && outcome.reason === 'payload_too_large' && end - start > 1) {
      const middle = start + Math.floor((end - start) / 2);
      await sendRange(start, middle);
      await sendRange(middle, end);
      return;
    }
    for (let i = start; i < end; i += 1) outcomes[i] = { ...outcome };
  };
  const ranges = splitBatch(
    rows.map((row) => utf8Length(row.json)),
    { maxItems: SENTINEL_REQUEST_MAX_EVENTS, maxBytes: SENTINEL_REQUEST_MAX_BYTES, ...JSON_ARRAY_FRAMING },
  );
  for (const [start, end] of ranges) await sendRange(start, end);
  return outcomes;
}

/**
 * Logs Ingestion: a bearer token from Entra (cached per sink, see {@link TokenCache}), then one
 * gzipped JSON array per request. A 401 with a cached token drops it and re-sends that request
 * once with a new one (the token was revoked or expired early); a 401 with a token fetched for
 * this very request is final, since another fetch would give the same token.
 */
export function openLogsIngestion(config: Resolved<LogsIngestionConfig, 'client_secret'>, { http }: OpenDeps): Sender {
  const url = ingestionUrl(config);
  const tokenRequest = { url: tokenUrl(config), clientId: config.client_id, scope: tokenScope(config) };
  const secretScrub = (): Scrub => secretScrubber([config.client_secret.reveal()]);
  const tokens = new TokenCache((now) => fetchToken(http, { ...tokenRequest, clientSecret: config.client_secret.reveal() }, secretScrub(), now));

  return {
    async send(items: readonly DeliveryItem[], ctx: SendContext): Promise<Outcome[]> {
      const rows = items.map((item) => renderIngestionRow(item.event));
      return sendInRequests(rows, async (start, end) => {
        const body = await gzip(jsonArray(rows.slice(start, end).map((row) => row.json)));
        const requestId = clientRequestId(items.slice(start, end).map((item) => item.deliveryId));
        const used: string[] = [];
        const scrub = (input: string): string => secretScrubber([config.client_secret.reveal(), ...used])(input);
        const post = async (token: string): Promise<Exchange> => {
          used.push(token);
          return exchange(
            http,
            {
              method: 'POST',
              url,
              headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
                'Content-Encoding': 'gzip',
                Accept: 'application/json',
                'x-ms-client-request-id': requestId,
              },
              body,
            },
            scrub,
          );
        };

        const first = await tokens.get(ctx.now());
        if (first.kind === 'failed') return first.outcome;
        let result = await post(first.token);
        if ('response' in result && result.response.status === 401 && first.fromCache) {
          tokens.drop(first.token);
          const second = await tokens.get(ctx.now());
          if (second.kind === 'failed') return second.outcome;
          result = await post(second.token);
        }
        if ('outcome' in result) return result.outcome;
        return classifySentinel('logs_ingestion', result.response, scrub, ctx.now());
      });
    },
  };
}

/**
 * Data Collector (retired 2026-09-14): one uncompressed JSON array per request, signed with the
 * workspace key over the body's byte length and the send time (`ctx.now()`, never cached).
 */
export function openDataCollector(config: Resolved<DataCollectorConfig, 'shared_key'>, { http }: OpenDeps): Sender {
  const url = collectorUrl(config);
  return {
    async send(items: readonly DeliveryItem[], ctx: SendContext): Promise<Outcome[]> {
      const rows = items.map((item) => renderCollectorRow(item.event));
      return sendInRequests(rows, async (start, end) => {
        const key = config.shared_key.reveal();
        const scrub = secretScrubber([key]);
        const body = Buffer.from(jsonArray(rows.slice(start, end).map((row) => row.json)), 'utf8');
        const now = ctx.now();
        const date = rfc1123(now);
        const result = await exchange(
          http,
          {
            method: 'POST',
            url,
            headers: {
              Authorization: collectorAuthorization(config.workspace_id, key, body.length, date),
              'Log-Type': config.log_type,
              'x-ms-date': date,
              'time-generated-field': DATA_COLLECTOR_TIME_FIELD,
              'Content-Type': DATA_COLLECTOR_CONTENT_TYPE,
            },
            body,
          },
          scrub,
        );
        if ('outcome' in result) return result.outcome;
        return classifySentinel('data_collector', result.response, scrub, now);
      });
    },
  };
}

/** The sender of the config's mode. */
export function openSentinel(config: Resolved<SentinelConfig, SentinelSecretField>, deps: OpenDeps): Sender {
  return 'workspace_id' in config ? openDataCollector(config, deps) : openLogsIngestion(config, deps);
}
