import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';
import { siemConfigFields } from '../core/siem.js';

/**
 * Longest accepted URL field: the practical limit of browsers and proxies, as for the generic
 * webhook. Azure's endpoints are well under 100 characters.
 */
export const SENTINEL_URL_MAX_LENGTH = 2048;

/**
 * `POST {Endpoint}/dataCollectionRules/{DCR Immutable ID}/streams/{Stream Name}?api-version=2023-01-01`
 * (https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview, "Endpoint";
 * MicrosoftDocs/azure-monitor-docs `logs/logs-ingestion-api-overview.md`).
 */
export const LOGS_INGESTION_API_VERSION = '2023-01-01';

/**
 * `POST https://<CustomerId>.ods.opinsights.azure.com/api/logs?api-version=2016-04-01`
 * (https://learn.microsoft.com/azure/azure-monitor/logs/data-collector-api, "Request URI").
 */
export const DATA_COLLECTOR_API_VERSION = '2016-04-01';
/** The resource the Data Collector signature covers, and the path appended to the base URL. */
export const DATA_COLLECTOR_RESOURCE = '/api/logs';

/**
 * Azure clouds: the Entra login host and the audience a Logs Ingestion token must carry. A token
 * for the public audience is refused by a sovereign endpoint (`InvalidAudience`). Hosts from MS
 * Learn (national clouds; Azure Monitor's US Gov and China endpoint tables); channels.md §11.
 */
export const SENTINEL_CLOUDS = {
  public: { authority: 'https://login.microsoftonline.com', audience: 'https://monitor.azure.com' },
  us_government: { authority: 'https://login.microsoftonline.us', audience: 'https://monitor.azure.us' },
  china: { authority: 'https://login.chinacloudapi.cn', audience: 'https://monitor.azure.cn' },
} as const;
export type SentinelCloud = keyof typeof SENTINEL_CLOUDS;

/** The Data Collector host suffix of each cloud (channels.md §10). */
export const DATA_COLLECTOR_HOST_SUFFIX = {
  public: 'ods.opinsights.azure.com',
  us_government: 'ods.opinsights.azure.us',
  china: 'ods.opinsights.azure.cn',
} as const satisfies Record<SentinelCloud, string>;

/** Entra tenant ids, application (client) ids and workspace ids are GUIDs. */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A DCR's immutable id as the portal's JSON view and `az monitor data-collection rule show` print
 * it: `dcr-` and 32 lowercase hex digits (the docs' example is `dcr-000a00a000a00000a000000aa000a0aa`).
 */
const DCR_IMMUTABLE_ID = /^dcr-[0-9a-f]{32}$/;

/**
 * A DCR input stream: "Each stream is an object whose key represents the stream name, which must
 * begin with *Custom-*" (MS Learn, "Structure of a data collection rule", `streamDeclarations`).
 * After the prefix we allow what a table name allows (a letter, then letters, digits and `_`) so
 * the name is safe in the URL path; the 100-character bound is ours.
 */
const STREAM_NAME = /^Custom-[A-Za-z][A-Za-z0-9_]{0,99}$/;

/**
 * `Log-Type`: "It can contain only letters, numbers, and the underscore (_) character, and it
 * can't exceed 100 characters" (data-collector-api, "Request headers").
 */
const LOG_TYPE = /^[A-Za-z0-9_]{1,100}$/;

/**
 * The workspace's primary or secondary key, base64 as the portal shows it (64 bytes, 88
 * characters). At least 32 decoded bytes and strict padding are our sanity rules: a key that does
 * not decode cleanly would sign every request wrongly and fail with 403 only at send time.
 */
export const SHARED_KEY_MIN_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** An Entra client secret: visible ASCII (it goes into a form body), ≤ 1,024 characters (ours). */
const CLIENT_SECRET = /^[\x21-\x7e]{1,1024}$/;

/** A URL the channel appends a path to: no query or fragment. */
const baseUrlField = (appended: string) =>
  httpUrlField(SENTINEL_URL_MAX_LENGTH).refine((value) => !value.includes('?') && !value.includes('#'), {
    message: `must not have a query or fragment (${appended} is appended to its path)`,
  });

const guidField = (what: string) => z.string().regex(GUID, { message: `must be a GUID (the ${what})` });

/** Mode 1, the default: the Logs Ingestion API with an Entra app's client credentials. */
export const logsIngestionConfigSchema = z.strictObject({
  /** The DCE or DCR logs-ingestion endpoint, e.g. `https://my-dce-5kyl.eastus-1.ingest.monitor.azure.com`. */
  endpoint: baseUrlField('/dataCollectionRules/…'),
  /** `dcr-` + 32 hex digits: the DCR's `immutableId`. */
  dcr_immutable_id: z.string().regex(DCR_IMMUTABLE_ID, { message: 'must be dcr- followed by 32 lowercase hex digits (the DCR’s immutableId)' }),
  /** The DCR input stream, `Custom-<Name>`. */
  stream_name: z.string().regex(STREAM_NAME, { message: 'must be Custom- followed by a letter and up to 99 letters, digits or underscores (a stream of the DCR’s streamDeclarations)' }),
  /** The Entra tenant (directory) of the app registration. */
  azure_tenant_id: guidField('Entra directory (tenant) ID'),
  /** The app registration's application (client) ID. */
  client_id: guidField('application (client) ID'),
  /** The app registration's client secret **value** (secret). Encrypted at rest, never returned. */
  client_secret: z.string().regex(CLIENT_SECRET, { message: 'must be the client secret value: 1 to 1,024 visible ASCII characters' }),
  /**
   * The Azure cloud: picks the login host and the token audience.
   * @defaultValue `public`
   */
  cloud: z.enum(['public', 'us_government', 'china']).optional(),
  /**
   * Overrides the cloud's Entra login host (a proxy, a test receiver); `/<tenant>/oauth2/v2.0/token`
   * is appended to its path.
   * @defaultValue the cloud's login host, `https://login.microsoftonline.com` for `public`
   */
  authority_url: baseUrlField('/<azure_tenant_id>/oauth2/v2.0/token').optional(),
  ...siemConfigFields,
});

/** Mode 2, retired by Microsoft: the HTTP Data Collector API with the workspace's shared key. */
export const dataCollectorConfigSchema = z.strictObject({
  /** The Log Analytics workspace ID. */
  workspace_id: guidField('Log Analytics workspace ID'),
  /** The workspace's primary or secondary key, base64 (secret). Encrypted at rest, never returned. */
  shared_key: z
    .string()
    .max(1024)
    .regex(BASE64, { message: 'must be the workspace key as the portal shows it (base64)' })
    .refine((value) => Buffer.from(value, 'base64').length >= SHARED_KEY_MIN_BYTES, { message: `must decode to at least ${SHARED_KEY_MIN_BYTES} bytes (workspace keys are 64)` }),
  /** The record type: the table becomes `<log_type>_CL`. */
  log_type: z.string().regex(LOG_TYPE, { message: 'must be 1 to 100 letters, digits or underscores (the table becomes <log_type>_CL)' }),
  /**
   * The cloud of the workspace: picks the default ingestion host.
   * @defaultValue `public`
   */
  cloud: z.enum(['public', 'us_government', 'china']).optional(),
  /**
   * Overrides the base URL (a proxy, a test receiver); `/api/logs` is appended to its path.
   * @defaultValue `https://<workspace_id>.ods.opinsights.azure.com` (the cloud's host)
   */
  api_url: baseUrlField(DATA_COLLECTOR_RESOURCE).optional(),
  ...siemConfigFields,
});

export type LogsIngestionConfig = z.infer<typeof logsIngestionConfigSchema>;
export type DataCollectorConfig = z.infer<typeof dataCollectorConfigSchema>;
export type SentinelConfig = LogsIngestionConfig | DataCollectorConfig;

export const SENTINEL_SECRET_FIELDS = ['client_secret', 'shared_key'] as const;
export type SentinelSecretField = (typeof SENTINEL_SECRET_FIELDS)[number];

/** Fields that only one mode has: they tell the modes apart. */
const LOGS_INGESTION_ONLY = ['endpoint', 'dcr_immutable_id', 'stream_name', 'azure_tenant_id', 'client_id', 'client_secret', 'authority_url'] as const;
const DATA_COLLECTOR_ONLY = ['workspace_id', 'shared_key', 'log_type', 'api_url'] as const;
const LOGS_INGESTION_REQUIRED = LOGS_INGESTION_ONLY.filter((field) => field !== 'authority_url');
const DATA_COLLECTOR_REQUIRED = DATA_COLLECTOR_ONLY.filter((field) => field !== 'api_url');

const list = (fields: readonly string[]): string => fields.join(', ');

/**
 * Either mode, each a strict object. The mode is told by its own fields, so a config of one mode
 * gets that mode's field errors; one with fields of both, or of neither, gets one error that
 * names the fields of each (a plain union would answer "invalid input" with nested branches).
 */
export const sentinelConfigSchema: z.ZodType<SentinelConfig> = z.unknown().transform((value, ctx): SentinelConfig => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object' });
    return z.NEVER;
  }
  const present = (fields: readonly string[]) => fields.filter((field) => field in value);
  const ingestion = present(LOGS_INGESTION_ONLY);
  const collector = present(DATA_COLLECTOR_ONLY);
  if (ingestion.length > 0 && collector.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `mixes Logs Ingestion fields (${list(ingestion)}) with Data Collector fields (${list(collector)}): use one mode`,
    });
    return z.NEVER;
  }
  if (ingestion.length === 0 && collector.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `needs the Logs Ingestion fields (${list(LOGS_INGESTION_REQUIRED)}) or the Data Collector fields (${list(DATA_COLLECTOR_REQUIRED)})`,
    });
    return z.NEVER;
  }
  const parsed = (collector.length > 0 ? dataCollectorConfigSchema : logsIngestionConfigSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  // zod does not repeat rejected values in messages, so nothing secret is carried over.
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const trimSlashes = (url: string): string => url.replace(/\/+$/, '');

/** `<endpoint>/dataCollectionRules/<dcr>/streams/<stream>?api-version=2023-01-01`. */
export function ingestionUrl(config: Pick<LogsIngestionConfig, 'endpoint' | 'dcr_immutable_id' | 'stream_name'>): string {
  return `${trimSlashes(config.endpoint)}/dataCollectionRules/${config.dcr_immutable_id}/streams/${config.stream_name}?api-version=${LOGS_INGESTION_API_VERSION}`;
}

/** `<authority>/<tenant>/oauth2/v2.0/token` (Microsoft identity platform, client credentials flow). */
export function tokenUrl(config: Pick<LogsIngestionConfig, 'authority_url' | 'azure_tenant_id' | 'cloud'>): string {
  const authority = config.authority_url ?? SENTINEL_CLOUDS[config.cloud ?? 'public'].authority;
  return `${trimSlashes(authority)}/${config.azure_tenant_id}/oauth2/v2.0/token`;
}

/**
 * The token scope: the audience and `/.default`. MS's Logs Ingestion samples write the
 * double-slash form (`https://monitor.azure.com//.default`); Entra accepts it and the
 * single-slash form the Azure SDK sends (channels.md §11).
 */
export function tokenScope(config: Pick<LogsIngestionConfig, 'cloud'>): string {
  return `${SENTINEL_CLOUDS[config.cloud ?? 'public'].audience}//.default`;
}

/** `<api_url or https://<workspace_id>.<cloud host>>/api/logs?api-version=2016-04-01`. */
export function collectorUrl(config: Pick<DataCollectorConfig, 'api_url' | 'workspace_id' | 'cloud'>): string {
  const base = config.api_url ?? `https://${config.workspace_id}.${DATA_COLLECTOR_HOST_SUFFIX[config.cloud ?? 'public']}`;
  return `${trimSlashes(base)}${DATA_COLLECTOR_RESOURCE}?api-version=${DATA_COLLECTOR_API_VERSION}`;
}

/** Every URL a sink of this config contacts: the token endpoint and the ingestion endpoint, or the Data Collector. */
export function sentinelUrls(config: SentinelConfig): string[] {
  return 'workspace_id' in config ? [collectorUrl(config)] : [tokenUrl(config), ingestionUrl(config)];
}
