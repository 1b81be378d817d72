import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { jsonArray } from '../core/batch.js';
import type { DeliveryItem } from '../core/channel.js';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { runChannelConformance } from '../testing/conformance.js';
import { sampleEvent } from '../testing/sample-event.js';
import { openForTest, testItem } from '../testing/send.js';
import { startReceiver, type Receiver, type ReceivedRequest, type ScriptedResponse } from '../testing/test-receiver.js';
import { DATA_COLLECTOR_FIELDS, LOGS_INGESTION_COLUMNS } from './columns.js';
import { collectorUrl, sentinelConfigSchema, sentinelUrls, tokenScope, type DataCollectorConfig, type LogsIngestionConfig } from './config.js';
import {
  collectorConfig,
  dataCollectorFixture,
  FIXTURE_ACCESS_TOKEN,
  FIXTURE_CLIENT_ID,
  FIXTURE_CLIENT_SECRET,
  FIXTURE_DCR_ID,
  FIXTURE_LOG_TYPE,
  FIXTURE_SHARED_KEY,
  FIXTURE_STREAM,
  FIXTURE_TENANT_ID,
  FIXTURE_WORKSPACE_ID,
  fixtureFile,
  INGESTION_PATH,
  ingestionConfig,
  rowsOf,
  TOKEN_BODY,
  TOKEN_PATH,
} from './fixture.js';
import { sentinel } from './index.js';
import { DATA_COLLECTOR_FIELD_MAX_BYTES, LOGS_INGESTION_FIELD_MAX_BYTES, renderCollectorRow, renderIngestionRow, SENTINEL_REQUEST_MAX_BYTES, SENTINEL_REQUEST_MAX_EVENTS } from './render.js';
import { collectorSignature, collectorStringToSign } from './signature.js';

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });
const NOW = new Date('2026-11-22T10:00:00.000Z');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ defaultResponse: { status: 204 } });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

/** The event's id with a two-digit suffix, so a batch's rows can be told apart. */
const idOf = (i: number): string => `0b6f4d2e-8a51-4c1e-9d3b-${String(i).padStart(12, '0')}`;
const itemsOf = (n: number, event: (i: number) => Partial<EventRecord> = () => ({})): DeliveryItem[] =>
  Array.from({ length: n }, (_, i) => testItem({ deliveryId: `dlv_${i}`, event: sampleEvent({ id: idOf(i), ...event(i) }) }));

/**
 * An Entra token endpoint: checks the client-credentials form and hands out `tok-1`, `tok-2`, …
 * (or answers `failWith` while it is set).
 */
interface TokenServer {
  issued: number;
  expiresIn: number;
  failWith: ScriptedResponse | undefined;
}
function tokenServer(expiresIn = 3599): TokenServer {
  const state: TokenServer = { issued: 0, expiresIn, failWith: undefined };
  receiver.route(TOKEN_PATH, (req: ReceivedRequest): ScriptedResponse => {
    if (state.failWith !== undefined) return state.failWith;
    const form = new URLSearchParams(req.body.toString('utf8'));
    const ok =
      req.method === 'POST' &&
      req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
      form.get('grant_type') === 'client_credentials' &&
      form.get('client_id') === FIXTURE_CLIENT_ID &&
      form.get('client_secret') === FIXTURE_CLIENT_SECRET &&
      form.get('scope') === 'https://monitor.azure.com//.default';
    if (!ok) return { status: 400, body: fixtureFile('token-invalid-scope-400.json') };
    state.issued += 1;
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token_type: 'Bearer', expires_in: state.expiresIn, ext_expires_in: state.expiresIn, access_token: `tok-${state.issued}` }) };
  });
  return state;
}

const tokenRequests = (): ReceivedRequest[] => receiver.requests.filter((r) => r.route === TOKEN_PATH);
const bearerOf = (request: ReceivedRequest): string | undefined => request.headers.authorization?.replace(/^Bearer /, '');

function expectClean(outcomes: Outcome[], secrets: string[]): void {
  const printed = `${JSON.stringify(outcomes)}\n${inspect(outcomes, { depth: 10 })}`;
  for (const secret of secrets) expect(printed).not.toContain(secret);
}

describe('Logs Ingestion: what is sent', () => {
  test('one gzipped JSON array to <endpoint>/dataCollectionRules/<dcr>/streams/<stream>?api-version=2023-01-01; 204 is delivered', async () => {
    tokenServer();
    const [outcome] = await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).send([testItem()]);
    expect(outcome).toEqual({ kind: 'delivered', status: 204, body: '' });

    const [request] = receiver.scripted;
    expect(request!.method).toBe('POST');
    const url = new URL(request!.path, 'http://x');
    expect(url.pathname).toBe(`/dataCollectionRules/${FIXTURE_DCR_ID}/streams/${FIXTURE_STREAM}`);
    expect([...url.searchParams]).toEqual([['api-version', '2023-01-01']]);
    expect(request!.headers).toMatchObject({ authorization: 'Bearer tok-1', 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(request!.headers['x-ms-client-request-id']).toMatch(GUID);

    // Written out from the record by hand (columns.ts / README), not by the renderer.
    const event = sampleEvent();
    const rows = JSON.parse(gunzipSync(request!.body).toString('utf8')) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      {
        TimeGenerated: '2026-11-22T09:58:31.120Z',
        EventId: '0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40',
        TocsinTenantId: 't_3f9a2c',
        Action: 'credential.exposure.detected',
        EventTitle: 'Credential exposure detected',
        Category: 'secret',
        Severity: 'High',
        SeverityOriginal: 'critical',
        Level: null,
        Actor: { id: 'u_1842', type: 'User', name: 'Zoë Åkesson' },
        Resource: { id: 'vault/prod/db-password', type: 'Secret', name: 'db-password' },
        SourceIp: '198.51.100.23',
        Detail: event.detail,
        OccurredAt: '2026-11-22T09:58:31.120Z',
        ReceivedAt: '2026-11-22T09:58:31.402Z',
      },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(LOGS_INGESTION_COLUMNS.map((c) => c.name));
  });

  test('the token request is the documented client-credentials form to <authority>/<tenant>/oauth2/v2.0/token', async () => {
    tokenServer();
    await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).sendOne();
    const [token] = tokenRequests();
    expect(token!.method).toBe('POST');
    expect(token!.path).toBe(`/${FIXTURE_TENANT_ID}/oauth2/v2.0/token`);
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token!.body.toString('utf8')))).toEqual({
      client_id: FIXTURE_CLIENT_ID,
      client_secret: FIXTURE_CLIENT_SECRET,
      grant_type: 'client_credentials',
      scope: 'https://monitor.azure.com//.default',
    });
    // The form encodes the scope: https%3A%2F%2Fmonitor.azure.com%2F%2F.default, as MS's samples send it.
    expect(token!.body.toString('utf8')).toContain('scope=https%3A%2F%2Fmonitor.azure.com%2F%2F.default');
  });

  test('the body is gzip of exactly the JSON array of the rendered rows, and rendering is pure', async () => {
    tokenServer();
    const items = itemsOf(3, (i) => ({ title: `Event ${i} — ünïcode` }));
    await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).send(items);
    const [request] = receiver.scripted;
    expect([...request!.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const expected = jsonArray(items.map((item) => renderIngestionRow(item.event).json));
    expect(gunzipSync(request!.body).toString('utf8')).toBe(expected);
    expect(jsonArray(items.map((item) => renderIngestionRow(item.event).json))).toBe(expected);
  });

  test('a single event is still an array (an object is ingested as nothing)', async () => {
    tokenServer();
    await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).sendOne();
    const body = gunzipSync(receiver.scripted[0]!.body).toString('utf8');
    expect(body.startsWith('[{')).toBe(true);
    expect(body.endsWith('}]')).toBe(true);
  });

  test.each([
    ['critical', 'High'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
  ] as const)('severity %s → Severity %s, SeverityOriginal kept', (ours, theirs) => {
    const row = JSON.parse(renderIngestionRow(sampleEvent({ severity: ours })).json);
    expect(row.Severity).toBe(theirs);
    expect(row.SeverityOriginal).toBe(ours);
  });

  test.each(['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', null] as const)('level %s is its own column', (level) => {
    expect(JSON.parse(renderIngestionRow(sampleEvent({ level })).json).Level).toBe(level);
    expect(JSON.parse(renderCollectorRow(sampleEvent({ level })).json).Level).toBe(level);
  });

  test('no column uses a reserved name; names follow Log Analytics rules', () => {
    const reserved = ['_ResourceId', 'id', '_SubscriptionId', 'TenantId', 'Type', 'UniqueId', 'Title'];
    for (const { name } of LOGS_INGESTION_COLUMNS) {
      expect(reserved).not.toContain(name);
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,44}$/);
    }
    for (const name of DATA_COLLECTOR_FIELDS) {
      expect(['tenant', 'TimeGenerated', 'RawData']).not.toContain(name);
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,44}$/);
    }
  });

  test('no value exceeds 64 KB: Detail is cut to a truncation marker, long strings are cut', () => {
    const event = sampleEvent({ detail: { blob: 'é'.repeat(200_000), quotes: '"'.repeat(50_000) }, title: 'T'.repeat(70_000) });
    const row = JSON.parse(renderIngestionRow(event).json);
    expect(row.Detail).toMatchObject({ truncated: true, original_bytes: Buffer.byteLength(JSON.stringify(event.detail)) });
    expect(Buffer.byteLength(JSON.stringify(row.Detail))).toBeLessThanOrEqual(LOGS_INGESTION_FIELD_MAX_BYTES);
    expect(Buffer.byteLength(JSON.stringify(row.Detail))).toBeGreaterThan(LOGS_INGESTION_FIELD_MAX_BYTES - 200);
    expect(Buffer.byteLength(row.EventTitle)).toBeLessThanOrEqual(LOGS_INGESTION_FIELD_MAX_BYTES);
    expect(renderIngestionRow(event).truncated).toBe(true);
  });
});

describe('Logs Ingestion: the token', () => {
  test('is fetched once for many sends of one sender, and every request carries it', async () => {
    tokenServer();
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW });
    for (let i = 0; i < 5; i += 1) expect((await sender.sendOne({ deliveryId: `dlv_${i}` })).kind).toBe('delivered');
    await sender.send(itemsOf(4));
    expect(tokenRequests()).toHaveLength(1);
    expect(receiver.scripted.map(bearerOf)).toEqual(Array(6).fill('tok-1'));
  });

  test('concurrent sends share one in-flight fetch', async () => {
    const state = tokenServer();
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW });
    const outcomes = await Promise.all([sender.sendOne({ deliveryId: 'a' }), sender.sendOne({ deliveryId: 'b' }), sender.send(itemsOf(2))]);
    expect(outcomes.flat().map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(state.issued).toBe(1);
    expect(tokenRequests()).toHaveLength(1);
  });

  test('is replaced 5 minutes before expires_in, by the send clock', async () => {
    tokenServer(3599);
    let clock = NOW;
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => clock });
    await sender.sendOne();
    clock = new Date(NOW.getTime() + 3_298_000); // 3,599 s − 300 s − 1 s
    await sender.sendOne();
    expect(tokenRequests()).toHaveLength(1);
    clock = new Date(NOW.getTime() + 3_300_000);
    await sender.sendOne();
    expect(tokenRequests()).toHaveLength(2);
    expect(receiver.scripted.map(bearerOf)).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  test('a short-lived token is replaced at half its life', async () => {
    tokenServer(60);
    let clock = NOW;
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => clock });
    await sender.sendOne();
    clock = new Date(NOW.getTime() + 29_000);
    await sender.sendOne();
    clock = new Date(NOW.getTime() + 31_000);
    await sender.sendOne();
    expect(receiver.scripted.map(bearerOf)).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  test('a 401 with the cached token drops it, fetches a new one and re-sends that request once with it', async () => {
    tokenServer();
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW });
    await sender.sendOne();
    receiver.script({ status: 401, body: '{"error":{"code":"InvalidToken","message":"The token is expired."}}' }, { status: 204 });
    const outcome = await sender.sendOne();
    expect(outcome).toMatchObject({ kind: 'delivered', status: 204 });
    expect(tokenRequests()).toHaveLength(2);
    expect(receiver.scripted.map(bearerOf)).toEqual(['tok-1', 'tok-1', 'tok-2']);
    // The re-sent request is the same request: same body, same client request id.
    const [, refused, resent] = receiver.scripted;
    expect(resent!.body.equals(refused!.body)).toBe(true);
    expect(resent!.headers['x-ms-client-request-id']).toBe(refused!.headers['x-ms-client-request-id']);
    // And the new token is the one kept.
    await sender.sendOne();
    expect(bearerOf(receiver.scripted[3]!)).toBe('tok-2');
  });

  test('a 401 again after the re-send is permanent auth_error: one re-send only', async () => {
    tokenServer();
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW });
    await sender.sendOne();
    receiver.script({ status: 401 }, { status: 401 }, { status: 204 });
    const outcome = await sender.sendOne();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 401 });
    expect(receiver.scripted).toHaveLength(3);
  });

  test('a 401 with a token fetched for this request is final (a new fetch would give the same token)', async () => {
    tokenServer();
    receiver.script({ status: 401 });
    const outcome = await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).sendOne();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 401 });
    expect(outcome.kind !== 'delivered' && outcome.message).toContain('check cloud');
    expect(receiver.scripted).toHaveLength(1);
    expect(tokenRequests()).toHaveLength(1);
  });

  test('a failed fetch is not cached: the next send asks again', async () => {
    const state = tokenServer();
    state.failWith = { status: 503 };
    const sender = openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW });
    expect(await sender.sendOne()).toMatchObject({ kind: 'retryable', reason: 'server_error', status: 503 });
    state.failWith = undefined;
    expect(await sender.sendOne()).toMatchObject({ kind: 'delivered' });
    expect(tokenRequests()).toHaveLength(2);
    expect(receiver.scripted).toHaveLength(1);
  });

  const tokenFailures: Array<[string, ScriptedResponse, Partial<Outcome>, string | undefined]> = [
    ['invalid_client (401, the fixture)', { status: 401, body: fixtureFile('token-invalid-client-401.json') }, { kind: 'permanent', reason: 'auth_error' }, 'invalid_client: AADSTS7000215: Invalid client secret provided.'],
    ['invalid_scope (400, the documented example)', { status: 400, body: fixtureFile('token-invalid-scope-400.json') }, { kind: 'permanent', reason: 'auth_error' }, 'invalid_scope: AADSTS70011'],
    ['unauthorized_client (400)', { status: 400, body: '{"error":"unauthorized_client","error_description":"AADSTS700016: Application not found in the directory."}' }, { kind: 'permanent', reason: 'auth_error' }, 'unauthorized_client'],
    ['invalid_request for an unknown tenant (400)', { status: 400, body: '{"error":"invalid_request","error_description":"AADSTS90002: Tenant not found."}' }, { kind: 'permanent', reason: 'auth_error' }, 'AADSTS90002'],
    ['temporarily_unavailable (400)', { status: 400, body: '{"error":"temporarily_unavailable","error_description":"AADSTS50196: The server is temporarily too busy."}' }, { kind: 'retryable', reason: 'server_error' }, 'temporarily_unavailable'],
    ['429 with Retry-After', { status: 429, headers: { 'retry-after': '12' } }, { kind: 'retryable', reason: 'rate_limited', retryAfterMs: 12_000 }, undefined],
    ['500', { status: 500 }, { kind: 'retryable', reason: 'server_error' }, undefined],
    ['404 (a wrong authority_url)', { status: 404 }, { kind: 'permanent', reason: 'not_found' }, undefined],
    ['200 that is not a token (a proxy page)', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>sign in</html>' }, { kind: 'retryable', reason: 'unexpected_response' }, 'without a bearer access_token'],
    ['200 with a token unfit for a header', { status: 200, body: '{"token_type":"Bearer","expires_in":3599,"access_token":"a\\r\\nX-Injected: 1"}' }, { kind: 'retryable', reason: 'unexpected_response' }, undefined],
  ];

  test.each(tokenFailures)('token endpoint %s → classified, nothing sent', async (_name, response, expected, text) => {
    receiver.route(TOKEN_PATH, response);
    const outcome = await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).sendOne();
    expect(outcome).toMatchObject(expected);
    if (text !== undefined && outcome.kind !== 'delivered') expect(outcome.message).toContain(text);
    if (outcome.kind !== 'delivered') expect(outcome.message.startsWith('token: ')).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain('X-Injected');
    expect(receiver.scripted).toHaveLength(0);
  });

  test('a token endpoint that echoes the client secret does not leak it', async () => {
    const escaped = JSON.stringify(FIXTURE_CLIENT_SECRET).slice(1, -1);
    receiver.route(TOKEN_PATH, { status: 401, body: `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret '${escaped}' / ${encodeURIComponent(FIXTURE_CLIENT_SECRET)} / ${FIXTURE_CLIENT_SECRET}"}` });
    const outcomes = await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).send([testItem()]);
    expect(outcomes[0]).toMatchObject({ kind: 'permanent', reason: 'auth_error' });
    expectClean(outcomes, [FIXTURE_CLIENT_SECRET, escaped, encodeURIComponent(FIXTURE_CLIENT_SECRET)]);
  });

  test('an ingestion answer that echoes the access token does not leak it', async () => {
    receiver.route(TOKEN_PATH, { status: 200, body: TOKEN_BODY });
    receiver.script({ status: 400, body: `{"error":{"code":"InvalidToken","message":"Bearer ${FIXTURE_ACCESS_TOKEN} rejected"}}` });
    const outcomes = await openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).send([testItem()]);
    expect(outcomes[0]).toMatchObject({ kind: 'permanent', reason: 'client_error' });
    expect(outcomes[0]!.kind !== 'delivered' && outcomes[0]!.message).toContain('InvalidToken');
    expectClean(outcomes, [FIXTURE_ACCESS_TOKEN, FIXTURE_CLIENT_SECRET]);
  });
});

describe('Logs Ingestion: documented answers', () => {
  const send = (items: DeliveryItem[] = [testItem()]) => openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).send(items);

  test('413 ContentLengthLimitExceeded for one row → permanent payload_too_large', async () => {
    tokenServer();
    receiver.script({ status: 413, headers: { 'content-type': 'application/json' }, body: fixtureFile('ingestion-413.json') });
    const [outcome] = await send();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'payload_too_large', status: 413 });
    expect(outcome!.kind !== 'delivered' && outcome!.message).toContain('ContentLengthLimitExceeded: Maximum allowed content length: 1048576 bytes');
    expect(receiver.scripted).toHaveLength(1);
  });

  test('403 OperationFailed → permanent auth_error naming the missing role', async () => {
    tokenServer();
    receiver.script({ status: 403, body: fixtureFile('ingestion-403.json') });
    const [outcome] = await send();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 403 });
    expect(outcome!.kind !== 'delivered' && outcome!.message).toMatch(/OperationFailed: The authentication token provided does not have access.*Monitoring Metrics Publisher/);
  });

  test('429 with Retry-After → retryable rate_limited after that delay', async () => {
    tokenServer();
    receiver.script({ status: 429, headers: { 'retry-after': '30' } });
    expect((await send())[0]).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: 30_000 });
  });

  test('a 413 for a request of several rows halves it until each part is accepted; every row once', async () => {
    tokenServer();
    // A stricter server: more than two rows per request is "too large".
    receiver.route(INGESTION_PATH, (req) => (rowsOf(req).length > 2 ? { status: 413, body: fixtureFile('ingestion-413.json') } : { status: 204 }));
    const items = itemsOf(5);
    const outcomes = await send(items);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(5).fill('delivered'));
    const accepted = receiver.requests.filter((r) => r.route === INGESTION_PATH && rowsOf(r).length <= 2).flatMap((r) => rowsOf(r).map((row) => row.EventId));
    expect(accepted).toEqual(items.map((item) => item.event.id));
  });
});

describe('Logs Ingestion: limits and batches', () => {
  const send = (items: DeliveryItem[]) => openForTest(sentinel, ingestionConfig(receiver.url), { http, now: () => NOW }).send(items);

  test('a batch over 1,000,000 bytes goes in several requests, each within it, every row once and in order', async () => {
    tokenServer();
    // ~60 KB rows: 40 of them are ~2.4 MB of JSON.
    const items = itemsOf(40, (i) => ({ detail: { i, blob: `${i}`.padEnd(60_000, 'x') } }));
    const outcomes = await send(items);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(40).fill('delivered'));
    const requests = receiver.scripted;
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) {
      const raw = gunzipSync(request.body).toString('utf8');
      expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(SENTINEL_REQUEST_MAX_BYTES);
      expect(Array.isArray(JSON.parse(raw))).toBe(true);
    }
    expect(requests.flatMap((r) => rowsOf(r).map((row) => row.EventId))).toEqual(items.map((item) => item.event.id));
    // Split as late as possible: each request but the last could not take the next row.
    const sizes = items.map((item) => Buffer.byteLength(renderIngestionRow(item.event).json));
    let next = 0;
    for (const request of requests.slice(0, -1)) {
      const count = rowsOf(request).length;
      const bytes = 2 + sizes.slice(next, next + count).reduce((a, b) => a + b + 1, -1);
      expect(bytes + 1 + sizes[next + count]!).toBeGreaterThan(SENTINEL_REQUEST_MAX_BYTES);
      next += count;
    }
  });

  test(`more than ${SENTINEL_REQUEST_MAX_EVENTS} rows go in two requests`, async () => {
    tokenServer();
    const items = itemsOf(SENTINEL_REQUEST_MAX_EVENTS + 1, () => ({ detail: {} }));
    const outcomes = await send(items);
    expect(outcomes.filter((o) => o.kind === 'delivered')).toHaveLength(SENTINEL_REQUEST_MAX_EVENTS + 1);
    expect(receiver.scripted.map((r) => rowsOf(r).length)).toEqual([SENTINEL_REQUEST_MAX_EVENTS, 1]);
  });

  test('a failed request gives its rows its outcome; the other requests’ rows keep theirs', async () => {
    tokenServer();
    const items = itemsOf(45, (i) => ({ detail: { blob: `${i}`.padEnd(60_000, 'x') } }));
    receiver.script({ status: 204 }, { status: 503, headers: { 'retry-after': '5' } }, { status: 204 });
    const outcomes = await send(items);
    const requests = receiver.scripted;
    expect(requests).toHaveLength(3);
    const failedIds = new Set(rowsOf(requests[1]!).map((row) => row.EventId));
    expect(failedIds.size).toBeGreaterThan(0);
    items.forEach((item, i) => {
      if (failedIds.has(item.event.id)) expect(outcomes[i]).toMatchObject({ kind: 'retryable', reason: 'server_error', retryAfterMs: 5_000 });
      else expect(outcomes[i]).toMatchObject({ kind: 'delivered', status: 204 });
    });
  });
});

describe('Data Collector: signature', () => {
  // channels.md §10: vectors computed with Python hmac, Node crypto and openssl, not with this code.
  const KEY_A = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

  test('Vector A: the docs’ example string to sign', () => {
    expect(collectorStringToSign(1024, 'Mon, 04 Apr 2016 08:00:00 GMT')).toBe('POST\n1024\napplication/json\nx-ms-date:Mon, 04 Apr 2016 08:00:00 GMT\n/api/logs');
    expect(collectorSignature(KEY_A, 1024, 'Mon, 04 Apr 2016 08:00:00 GMT')).toBe('oHTK2AfYaWGJghNRQNh4FKYbNXN9jSiRRQew30Tnc2w=');
  });

  test('Vector B: a non-ASCII body is signed over its UTF-8 bytes (59), not its characters (58)', async () => {
    const body = '[{"event":"login_failed","user":"jöhn","severity":"high"}]';
    expect(body.length).toBe(58);
    expect(Buffer.byteLength(body)).toBe(59);
    expect(collectorSignature(KEY_A, 59, 'Sun, 22 Nov 2026 02:40:00 GMT')).toBe('a54NmkBnALo+pggWR+zdhWmOCZk4a/CMLnQffIbbH/g=');
    expect(collectorSignature(KEY_A, 58, 'Sun, 22 Nov 2026 02:40:00 GMT')).not.toBe('a54NmkBnALo+pggWR+zdhWmOCZk4a/CMLnQffIbbH/g=');
  });
});

/**
 * A Data Collector: recomputes the SharedKey signature from the raw request (its own HMAC, not
 * signature.ts) and answers 200, or 403 InvalidAuthorization when it does not match.
 */
function collectorServer(key = FIXTURE_SHARED_KEY): void {
  receiver.route('/api/logs', (req) => {
    const date = String(req.headers['x-ms-date']);
    const expected = createHmac('sha256', Buffer.from(key, 'base64'))
      .update(`POST\n${req.body.length}\n${String(req.headers['content-type'])}\nx-ms-date:${date}\n/api/logs`, 'utf8')
      .digest('base64');
    const ok = req.headers.authorization === `SharedKey ${FIXTURE_WORKSPACE_ID}:${expected}` && Number(req.headers['content-length']) === req.body.length;
    return ok ? { status: 200 } : { status: 403, headers: { 'content-type': 'application/json' }, body: fixtureFile('data-collector-403.json') };
  });
}

const collectorRequests = (): ReceivedRequest[] => receiver.requests.filter((r) => r.route === '/api/logs');

describe('Data Collector: what is sent', () => {
  const sender = (config: DataCollectorConfig = collectorConfig(receiver.url), now: () => Date = () => NOW) => openForTest(sentinel, config, { http, now });

  test('POST <api_url>/api/logs?api-version=2016-04-01, signed, exact headers, flat rows; 200 is delivered', async () => {
    collectorServer();
    const outcome = await sender().sendOne();
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    const [request] = collectorRequests();
    expect(request!.path).toBe('/api/logs?api-version=2016-04-01');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['log-type']).toBe(FIXTURE_LOG_TYPE);
    expect(request!.headers['x-ms-date']).toBe('Sun, 22 Nov 2026 10:00:00 GMT');
    expect(request!.headers['time-generated-field']).toBe('OccurredAt');
    expect(request!.headers['content-encoding']).toBeUndefined();
    const event = sampleEvent();
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual([
      {
        EventId: '0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40',
        TocsinTenantId: 't_3f9a2c',
        Action: 'credential.exposure.detected',
        EventTitle: 'Credential exposure detected',
        Category: 'secret',
        Severity: 'High',
        SeverityOriginal: 'critical',
        Level: null,
        ActorId: 'u_1842',
        ActorType: 'User',
        ActorName: 'Zoë Åkesson',
        ResourceId: 'vault/prod/db-password',
        ResourceType: 'Secret',
        ResourceName: 'db-password',
        SourceIp: '198.51.100.23',
        Detail: JSON.stringify(event.detail),
        OccurredAt: '2026-11-22T09:58:31.120Z',
        ReceivedAt: '2026-11-22T09:58:31.402Z',
      },
    ]);
    // The sample's non-ASCII actor makes bytes and characters differ: the receiver's check covers it.
    expect(request!.body.length).toBeGreaterThan(request!.body.toString('utf8').length);
  });

  test('x-ms-date is the send time of each request', async () => {
    collectorServer();
    let clock = NOW;
    const s = sender(collectorConfig(receiver.url), () => clock);
    await s.sendOne();
    clock = new Date(NOW.getTime() + 61_000);
    await s.sendOne();
    expect(collectorRequests().map((r) => r.headers['x-ms-date'])).toEqual(['Sun, 22 Nov 2026 10:00:00 GMT', 'Sun, 22 Nov 2026 10:01:01 GMT']);
  });

  test('a batch is signed per request and split like Logs Ingestion', async () => {
    collectorServer();
    const items = itemsOf(60, (i) => ({ detail: { blob: `${i}`.padEnd(30_000, 'ü') } }));
    const outcomes = await sender().send(items);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(60).fill('delivered'));
    const requests = collectorRequests();
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) expect(request.body.length).toBeLessThanOrEqual(SENTINEL_REQUEST_MAX_BYTES);
    expect(requests.flatMap((r) => rowsOf(r).map((row) => row.EventId))).toEqual(items.map((item) => item.event.id));
  });

  test('Detail is the detail’s JSON within 32 KB', () => {
    const event = sampleEvent({ detail: { blob: 'x'.repeat(100_000) } });
    const row = JSON.parse(renderCollectorRow(event).json);
    expect(Buffer.byteLength(row.Detail)).toBeLessThanOrEqual(DATA_COLLECTOR_FIELD_MAX_BYTES);
    expect(JSON.parse(row.Detail)).toMatchObject({ truncated: true });
    for (const value of Object.values(row)) expect(value === null || typeof value === 'string').toBe(true);
  });

  test('a wrong key → 403 InvalidAuthorization → permanent auth_error; the key is not printed', async () => {
    collectorServer(Buffer.alloc(64, 7).toString('base64'));
    const outcomes = await sender().send([testItem()]);
    expect(outcomes[0]).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 403 });
    expect(outcomes[0]!.kind !== 'delivered' && outcomes[0]!.message).toContain('InvalidAuthorization');
    expectClean(outcomes, [FIXTURE_SHARED_KEY]);
  });

  test.each([
    [400, '{"Error":"InvalidDataFormat","Message":"An invalid JSON was submitted."}', 'permanent', 'client_error'],
    [400, '{"Error":"InactiveCustomer","Message":"The workspace has been closed."}', 'permanent', 'client_error'],
    [404, '', 'permanent', 'not_found'],
    [429, '', 'retryable', 'rate_limited'],
    [500, '{"Error":"UnspecifiedError","Message":"The service encountered an internal error."}', 'retryable', 'server_error'],
    [503, '{"Error":"ServiceUnavailable","Message":"The service currently is unavailable."}', 'retryable', 'server_error'],
  ] as const)('HTTP %i %s → %s %s', async (status, body, kind, reason) => {
    receiver.script({ status, body });
    const outcome = await sender().sendOne();
    expect(outcome).toMatchObject({ kind, reason, status });
    const code = body === '' ? undefined : (JSON.parse(body) as { Error: string }).Error;
    if (code !== undefined && outcome.kind !== 'delivered') expect(outcome.message).toContain(code);
    if (status === 404 && outcome.kind !== 'delivered') expect(outcome.message).toContain('retired');
  });
});

describe('config', () => {
  const ingestion = ingestionConfig('https://my-dce-5kyl.eastus-1.ingest.monitor.azure.com/');
  const messages = (value: unknown): string[] => {
    const result = sentinelConfigSchema.safeParse(value);
    expect(result.success).toBe(false);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  test('an empty config names the fields of both modes', () => {
    const [message] = messages({});
    expect(message).toContain('endpoint, dcr_immutable_id, stream_name, azure_tenant_id, client_id, client_secret');
    expect(message).toContain('workspace_id, shared_key, log_type');
  });

  test('a mixed config names the fields of each mode it has', () => {
    const [message] = messages({ ...ingestion, workspace_id: FIXTURE_WORKSPACE_ID, shared_key: FIXTURE_SHARED_KEY });
    expect(message).toMatch(/mixes Logs Ingestion fields \(endpoint, .*client_secret, authority_url\) with Data Collector fields \(workspace_id, shared_key\)/);
  });

  test('a config of one mode gets that mode’s field errors, with paths', () => {
    const { client_secret: _omitted, ...rest } = ingestion;
    expect(messages({ ...rest, stream_name: 'Audit' })).toEqual([expect.stringMatching(/^stream_name: must be Custom-/), expect.stringMatching(/^client_secret: /)]);
    expect(messages({ workspace_id: FIXTURE_WORKSPACE_ID, shared_key: FIXTURE_SHARED_KEY })).toEqual([expect.stringMatching(/^log_type: /)]);
  });

  test('both modes parse, forward_debug included', () => {
    expect(sentinelConfigSchema.parse({ ...ingestion, forward_debug: true })).toEqual({ ...ingestion, forward_debug: true });
    const collector = { workspace_id: FIXTURE_WORKSPACE_ID, shared_key: FIXTURE_SHARED_KEY, log_type: FIXTURE_LOG_TYPE };
    expect(sentinelConfigSchema.parse(collector)).toEqual(collector);
  });

  test('urls(config) lists the token endpoint and the ingestion endpoint, defaults included', () => {
    const config = { ...ingestion, authority_url: undefined } as unknown as LogsIngestionConfig;
    expect(sentinel.urls(sentinelConfigSchema.parse({ ...ingestion, authority_url: undefined }))).toEqual([
      `https://login.microsoftonline.com/${FIXTURE_TENANT_ID}/oauth2/v2.0/token`,
      `https://my-dce-5kyl.eastus-1.ingest.monitor.azure.com/dataCollectionRules/${FIXTURE_DCR_ID}/streams/${FIXTURE_STREAM}?api-version=2023-01-01`,
    ]);
    expect(tokenScope(config)).toBe('https://monitor.azure.com//.default');
  });

  test('a sovereign cloud changes the login host and the token audience', () => {
    const gov = { ...ingestion, authority_url: undefined, endpoint: 'https://my-dce.usgovvirginia-1.ingest.monitor.azure.us', cloud: 'us_government' as const };
    expect(sentinelUrls(gov)[0]).toBe(`https://login.microsoftonline.us/${FIXTURE_TENANT_ID}/oauth2/v2.0/token`);
    expect(tokenScope(gov)).toBe('https://monitor.azure.us//.default');
    expect(tokenScope({ cloud: 'china' })).toBe('https://monitor.azure.cn//.default');
  });

  test('the Data Collector default host is the workspace’s, per cloud', () => {
    const base = { workspace_id: FIXTURE_WORKSPACE_ID, shared_key: FIXTURE_SHARED_KEY, log_type: FIXTURE_LOG_TYPE };
    expect(sentinel.urls(base)).toEqual([`https://${FIXTURE_WORKSPACE_ID}.ods.opinsights.azure.com/api/logs?api-version=2016-04-01`]);
    expect(collectorUrl({ ...base, cloud: 'china' })).toBe(`https://${FIXTURE_WORKSPACE_ID}.ods.opinsights.azure.cn/api/logs?api-version=2016-04-01`);
    expect(collectorUrl({ ...base, api_url: 'https://proxy.example/la/' })).toBe('https://proxy.example/la/api/logs?api-version=2016-04-01');
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);

  test('the DCR streamDeclarations it gives the admin are the columns the channel sends', () => {
    const dcr = jsonBlocks.find((block) => 'properties' in block && 'streamDeclarations' in (block.properties as object)) as
      | { properties: { streamDeclarations: Record<string, { columns: Array<{ name: string; type: string }> }>; dataFlows: Array<{ streams: string[]; outputStream: string }> } }
      | undefined;
    expect(dcr).toBeDefined();
    const [name, stream] = Object.entries(dcr!.properties.streamDeclarations)[0]!;
    expect(name).toBe(FIXTURE_STREAM);
    expect(stream.columns).toEqual(LOGS_INGESTION_COLUMNS.map(({ name: n, type }) => ({ name: n, type })));
    expect(dcr!.properties.dataFlows[0]).toMatchObject({ streams: [FIXTURE_STREAM], outputStream: 'Custom-TocsinAudit_CL' });
  });

  test('the table it gives the admin has those columns', () => {
    const table = jsonBlocks.find((block) => 'properties' in block && 'schema' in (block.properties as object)) as { properties: { schema: { name: string; columns: Array<{ name: string; type: string }> } } } | undefined;
    expect(table!.properties.schema.name).toBe('TocsinAudit_CL');
    expect(table!.properties.schema.columns).toEqual(LOGS_INGESTION_COLUMNS.map(({ name, type }) => ({ name, type })));
  });
});

describe('Data Collector mode conformance', () => {
  runChannelConformance(sentinel, dataCollectorFixture);
});
