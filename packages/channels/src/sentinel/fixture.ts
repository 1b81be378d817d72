import { readFileSync } from 'node:fs';
import type { ChannelFixture } from '../testing/fixture.js';
import { requestBody } from '../testing/conformance.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import type { DataCollectorConfig, LogsIngestionConfig } from './config.js';
import { DATA_COLLECTOR_FIELD_MAX_BYTES, LOGS_INGESTION_FIELD_MAX_BYTES, SENTINEL_REQUEST_MAX_BYTES } from './render.js';

export const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The documented token answer (Microsoft identity platform, client credentials, "Successful response"). */
export const TOKEN_BODY = fixtureFile('token-200.json');
export const FIXTURE_ACCESS_TOKEN = (JSON.parse(TOKEN_BODY) as { access_token: string }).access_token;

export const FIXTURE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const FIXTURE_CLIENT_ID = '535fb089-9ff3-47b6-9bfb-4f1264799865';
/** Shaped like an Entra secret value (`~`, `.`, `_`, `-`), plus a quote and a backslash that JSON escapes when echoed. */
export const FIXTURE_CLIENT_SECRET = 'Tq8Q~c1ient"S3cret\\v4lue.-_~0123456789ab';
/** The docs' example ids (logs-ingestion-api-overview, "Endpoint"). */
export const FIXTURE_DCR_ID = 'dcr-000a00a000a00000a000000aa000a0aa';
export const FIXTURE_STREAM = 'Custom-TocsinAudit';
export const FIXTURE_ENDPOINT = 'https://my-dce-5kyl.eastus-1.ingest.monitor.azure.com';

/** Where the token route sits when `authority_url` is the receiver. */
export const TOKEN_PATH = `/${FIXTURE_TENANT_ID}/oauth2/v2.0/token`;
/** Where rows are POSTed when `endpoint` is the receiver (the query is not part of it). */
export const INGESTION_PATH = `/dataCollectionRules/${FIXTURE_DCR_ID}/streams/${FIXTURE_STREAM}`;

export const FIXTURE_WORKSPACE_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
/** 64 bytes, base64: the shape of a workspace's primary key. */
export const FIXTURE_SHARED_KEY = 'CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4jSG2St9wBJg==';
export const FIXTURE_LOG_TYPE = 'TocsinAudit';

const INGESTION: LogsIngestionConfig = {
  endpoint: FIXTURE_ENDPOINT,
  dcr_immutable_id: FIXTURE_DCR_ID,
  stream_name: FIXTURE_STREAM,
  azure_tenant_id: FIXTURE_TENANT_ID,
  client_id: FIXTURE_CLIENT_ID,
  client_secret: FIXTURE_CLIENT_SECRET,
};

const COLLECTOR: DataCollectorConfig = { workspace_id: FIXTURE_WORKSPACE_ID, shared_key: FIXTURE_SHARED_KEY, log_type: FIXTURE_LOG_TYPE };

export const ingestionConfig = (receiverUrl: string): LogsIngestionConfig => ({ ...INGESTION, endpoint: receiverUrl, authority_url: receiverUrl });
export const collectorConfig = (receiverUrl: string): DataCollectorConfig => ({ ...COLLECTOR, api_url: receiverUrl });

/** The rows of a request body, decompressed when gzipped. */
export const rowsOf = (request: ReceivedRequest): Array<Record<string, unknown>> => JSON.parse(requestBody(request)) as Array<Record<string, unknown>>;

/** URL rules shared by every URL field of both modes. */
const badUrls = (field: string, base: Record<string, unknown>): unknown[] => [
  { ...base, [field]: 42 },
  { ...base, [field]: '' },
  { ...base, [field]: 'not a url' },
  { ...base, [field]: '/dataCollectionRules' },
  { ...base, [field]: 'ftp://example.com' },
  { ...base, [field]: 'file:///etc/passwd' },
  { ...base, [field]: 'https://user:pass@example.com' },
  { ...base, [field]: 'https://example.com\r\nX-Injected: 1' },
  { ...base, [field]: ' https://example.com' },
  { ...base, [field]: 'https://example.com/?api-version=2023-01-01' },
  { ...base, [field]: 'https://example.com/#frag' },
  { ...base, [field]: `https://example.com/${'a'.repeat(2048)}` },
];

/** Data Collector configs the schema must reject. */
const COLLECTOR_INVALID: unknown[] = [
  ...(['workspace_id', 'shared_key', 'log_type'] as const).map((field) => {
    const { [field]: _dropped, ...rest } = COLLECTOR;
    return rest;
  }),
  ...badUrls('api_url', COLLECTOR),
  { ...COLLECTOR, workspace_id: 'not-a-guid' },
  { ...COLLECTOR, workspace_id: `${FIXTURE_WORKSPACE_ID}.evil.example` },
  { ...COLLECTOR, shared_key: '' },
  { ...COLLECTOR, shared_key: 'not base64!' },
  { ...COLLECTOR, shared_key: FIXTURE_SHARED_KEY.slice(0, -2) },
  { ...COLLECTOR, shared_key: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==' },
  { ...COLLECTOR, shared_key: `${FIXTURE_SHARED_KEY}\n` },
  { ...COLLECTOR, log_type: '' },
  { ...COLLECTOR, log_type: 'Tocsin-Audit' },
  { ...COLLECTOR, log_type: 'Tocsin Audit' },
  { ...COLLECTOR, log_type: 'l'.repeat(101) },
  { ...COLLECTOR, cloud: 'germany' },
  { ...COLLECTOR, authority_url: 'https://login.microsoftonline.com' },
];

/** Logs Ingestion, the default mode: the conformance suite runs on it with the token step routed. */
export const fixture: ChannelFixture<LogsIngestionConfig> = {
  validConfig: ingestionConfig,
  invalidConfigs: [
    null,
    'https://example.com',
    [],
    {},
    { forward_debug: true },
    // Mixed modes.
    { ...INGESTION, workspace_id: FIXTURE_WORKSPACE_ID },
    { ...COLLECTOR, client_secret: FIXTURE_CLIENT_SECRET },
    // Each required field missing.
    ...(['endpoint', 'dcr_immutable_id', 'stream_name', 'azure_tenant_id', 'client_id', 'client_secret'] as const).map((field) => {
      const { [field]: _dropped, ...rest } = INGESTION;
      return rest;
    }),
    ...badUrls('endpoint', INGESTION),
    ...badUrls('authority_url', INGESTION),
    { ...INGESTION, dcr_immutable_id: '' },
    { ...INGESTION, dcr_immutable_id: '000a00a000a00000a000000aa000a0aa' },
    { ...INGESTION, dcr_immutable_id: 'dcr-000a00a000a00000a000000aa000a0a' },
    { ...INGESTION, dcr_immutable_id: 'dcr-000a00a000a00000a000000aa000a0aaa' },
    { ...INGESTION, dcr_immutable_id: 'dcr-000A00A000A00000A000000AA000A0AA' },
    { ...INGESTION, dcr_immutable_id: 'dcr-000a00a000a00000a000000aa000a0ag' },
    { ...INGESTION, dcr_immutable_id: '/subscriptions/x/dataCollectionRules/my-dcr' },
    { ...INGESTION, stream_name: '' },
    { ...INGESTION, stream_name: 'TocsinAudit' },
    { ...INGESTION, stream_name: 'TocsinAudit_CL' },
    { ...INGESTION, stream_name: 'custom-TocsinAudit' },
    { ...INGESTION, stream_name: 'Custom-' },
    { ...INGESTION, stream_name: 'Custom-1Audit' },
    { ...INGESTION, stream_name: 'Custom-Tocsin/../x' },
    { ...INGESTION, stream_name: 'Custom-Tocsin Audit' },
    { ...INGESTION, stream_name: `Custom-${'a'.repeat(101)}` },
    { ...INGESTION, stream_name: 'Microsoft-Syslog' },
    { ...INGESTION, azure_tenant_id: 'contoso.onmicrosoft.com' },
    { ...INGESTION, azure_tenant_id: '72f988bf86f141af91ab2d7cd011db47' },
    { ...INGESTION, azure_tenant_id: `${FIXTURE_TENANT_ID}/../x` },
    { ...INGESTION, client_id: '' },
    { ...INGESTION, client_id: 'tocsin-app' },
    { ...INGESTION, client_secret: '' },
    { ...INGESTION, client_secret: 42 },
    { ...INGESTION, client_secret: null },
    { ...INGESTION, client_secret: 'has a space' },
    { ...INGESTION, client_secret: 'line\nbreak' },
    { ...INGESTION, client_secret: 's'.repeat(1025) },
    { ...INGESTION, cloud: 'AzureCloud' },
    { ...INGESTION, cloud: 'usgov' },
    { ...INGESTION, cloud: null },
    { ...INGESTION, forward_debug: 'yes' },
    { ...INGESTION, api_url: 'https://example.com' },
    ...COLLECTOR_INVALID,
  ],
  secretValues: (config) => [config.client_secret, FIXTURE_ACCESS_TOKEN],
  successBody: '',
  routes: { [TOKEN_PATH]: { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: TOKEN_BODY } },
  maxBodyBytes: SENTINEL_REQUEST_MAX_BYTES,
  checkOversized(request: ReceivedRequest) {
    expect(request.path.split('?')[0]).toBe(INGESTION_PATH);
    expect(request.headers['content-encoding']).toBe('gzip');
    const rows = rowsOf(request);
    expect(Array.isArray(rows)).toBe(true);
    expect(rows).toHaveLength(1);
    const detail = rows[0]!.Detail;
    expect(detail).toMatchObject({ truncated: true, original_bytes: expect.any(Number), json_prefix: expect.any(String) });
    expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThanOrEqual(LOGS_INGESTION_FIELD_MAX_BYTES);
    expect(rows[0]!.EventId).toEqual(expect.any(String));
  },
};

/** The retired Data Collector mode: sentinel.test.ts runs the conformance suite on it too. */
export const dataCollectorFixture: ChannelFixture<DataCollectorConfig> = {
  validConfig: collectorConfig,
  invalidConfigs: COLLECTOR_INVALID,
  secretValues: (config) => [config.shared_key],
  successBody: '',
  maxBodyBytes: SENTINEL_REQUEST_MAX_BYTES,
  checkOversized(request: ReceivedRequest) {
    expect(request.headers['content-encoding']).toBeUndefined();
    const rows = rowsOf(request);
    expect(rows).toHaveLength(1);
    const detail = rows[0]!.Detail as string;
    expect(Buffer.byteLength(detail)).toBeLessThanOrEqual(DATA_COLLECTOR_FIELD_MAX_BYTES);
    expect(JSON.parse(detail)).toMatchObject({ truncated: true, original_bytes: expect.any(Number), json_prefix: expect.any(String) });
  },
};
