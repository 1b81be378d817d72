import { inspect } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Ajv, type ValidateFunction } from 'ajv';
import type { DeliveryItem } from '../core/channel.js';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { sampleEvent } from '../testing/sample-event.js';
import { openForTest, sendItems, testItem } from '../testing/send.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../testing/test-receiver.js';
import { DATADOG_SITES, type DatadogConfig } from './config.js';
import { ACCEPTED_BODY, API_KEY, fixtureFile } from './fixture.js';
import { datadog } from './index.js';
import { renderDatadogLog } from './render.js';
import { DATADOG_MAX_413_SPLITS } from './send.js';
import { normalizeTag } from './tags.js';

// Independent check of the body: Datadog's HTTPLogItem, transcribed (see the schema's $comment).
const ajv = new Ajv({ strict: false, allErrors: true });
const validateBody: ValidateFunction = ajv.compile(JSON.parse(fixtureFile('http-log-item.schema.json')));
function expectValidBody(body: unknown): void {
  const ok = validateBody(body);
  expect(ajv.errorsText(validateBody.errors)).toBe('No errors');
  expect(ok).toBe(true);
}

/**
 * Datadog's tag rules written out from its docs (getting_started/tagging, "Define tags"; the
 * naming best-practices guide), independently of tags.ts: what a tag looks like once Datadog has
 * stored it. A tag we send that passes is one Datadog keeps as sent.
 */
function expectDatadogTag(tag: string): void {
  expect(tag.length).toBeLessThanOrEqual(200);
  expect(tag).toMatch(/^\p{L}/u); // starts with a letter
  expect(tag).toMatch(/^[\p{L}\p{N}_\-:./]+$/u); // alphanumerics, _ - : . / only
  expect(tag).toBe(tag.toLowerCase()); // converted to lowercase
  expect(tag).not.toMatch(/__/); // contiguous underscores reduced to one
  expect(tag).not.toMatch(/[_:]$/); // no trailing underscore; cannot end with a colon
  expect(tag).toMatch(/^[^:]+:.+$/); // key:value
}

/**
 * The documented limits, written here rather than imported, so a wrong constant in render.ts
 * fails these tests: 5MB per payload (uncompressed), 1MB per log, 1000 logs per array
 * (docs.datadoghq.com/api/latest/logs/#send-logs), read as 10^6 bytes, the stricter reading.
 */
const DOC_PAYLOAD_MAX_BYTES = 5_000_000;
const DOC_LOG_MAX_BYTES = 1_000_000;
const DOC_PAYLOAD_MAX_ITEMS = 1000;
/** Our bound on the message (render.ts). */
const MESSAGE_MAX_CHARS = 1024;

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 10_000 });
/** 1.5 minutes after the sample event occurred. */
const NOW = new Date('2026-11-22T10:00:00.000Z');

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ defaultResponse: { status: 202, headers: { 'content-type': 'application/json' }, body: ACCEPTED_BODY } });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const config = (over: Partial<DatadogConfig> = {}): DatadogConfig => ({ api_key: API_KEY, api_url: receiver.url, service: 'vaultpam-audit', source: 'tocsin', tags: ['env:test', 'team:secops'], ...over });

type Log = Record<string, unknown> & { ddtags: string; tocsin: Record<string, unknown> };

/** The logs of a request, decompressed with zlib (not our gzip helper). */
const logsOf = (request: ReceivedRequest): Log[] => JSON.parse(gunzipSync(request.body).toString('utf8'));
const rawOf = (request: ReceivedRequest): string => gunzipSync(request.body).toString('utf8');

const send = (items: DeliveryItem[], c: DatadogConfig = config()): Promise<Outcome[]> => sendItems(datadog, c, items, { http, now: () => NOW });

async function deliverOne(event: EventRecord = sampleEvent(), c: DatadogConfig = config()) {
  const [outcome] = await send([testItem({ event })], c);
  const [request] = await receiver.waitForRequests(1);
  const logs = logsOf(request!);
  expect(logs).toHaveLength(1);
  return { outcome: outcome!, request: request!, log: logs[0]! };
}

const eventN = (i: number, detail: Record<string, unknown> = { n: i }): EventRecord => sampleEvent({ id: `0b6f4d2e-8a51-4c1e-9d3b-${String(i).padStart(12, '0')}`, detail });
const itemsOf = (events: EventRecord[]): DeliveryItem[] => events.map((event, i) => testItem({ event, deliveryId: `dlv_${i}` }));

describe('the wire format', () => {
  test('POST <api_url>/api/v2/logs: gzipped JSON array, DD-API-KEY; every field of the log; 202 {} is delivered', async () => {
    const event = sampleEvent();
    const { outcome, request, log } = await deliverOne(event);

    expect(outcome).toEqual({ kind: 'delivered', status: 202, body: '{}' });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v2/logs');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['dd-api-key']).toBe(API_KEY);
    expect(request.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip magic
    expectValidBody(logsOf(request));
    expect(log).toEqual({
      message: '[critical] Credential exposure detected: db-password by Zoë Åkesson',
      ddsource: 'tocsin',
      service: 'vaultpam-audit',
      ddtags: 'severity:critical,category:secret,action:credential.exposure.detected,tenant:t_3f9a2c,env:test,team:secops',
      status: 'critical',
      date: '2026-11-22T09:58:31.120Z',
      evt: { name: 'credential.exposure.detected' },
      usr: { id: 'u_1842', name: 'Zoë Åkesson' },
      network: { client: { ip: '198.51.100.23' } },
      tocsin: JSON.parse(JSON.stringify(event)),
    });
    expect(log).not.toHaveProperty('hostname');
    for (const tag of log.ddtags.split(',')) expectDatadogTag(tag);
  });

  test('the level, when the event has one, is a tag and a field of its own; severity too', async () => {
    const { log } = await deliverOne(sampleEvent({ level: 'CRITICAL' }));
    expect(log.ddtags.split(',').slice(0, 2)).toEqual(['severity:critical', 'level:critical']);
    expect(log.tocsin).toMatchObject({ level: 'CRITICAL', severity: 'critical' });
  });

  test('defaults: service and ddsource "tocsin", only the event tags', async () => {
    const { log } = await deliverOne(sampleEvent(), { api_key: API_KEY, api_url: receiver.url });
    expect(log).toMatchObject({ service: 'tocsin', ddsource: 'tocsin', ddtags: 'severity:critical,category:secret,action:credential.exposure.detected,tenant:t_3f9a2c' });
  });

  test.each([
    ['critical', 'critical'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'info'],
  ] as const)('without a level, severity %s is status %s', async (severity, status) => {
    const { log } = await deliverOne(sampleEvent({ severity, level: null }));
    expect(log.status).toBe(status);
    expect(log.message).toMatch(new RegExp(`^\\[${severity}\\] `));
    expect(log.ddtags.split(',')[0]).toBe(`severity:${severity}`);
  });

  test.each([
    ['DEBUG', 'low', 'debug'],
    ['INFO', 'low', 'info'],
    ['WARN', 'medium', 'warning'],
    ['ERROR', 'high', 'error'],
    ['CRITICAL', 'critical', 'critical'],
    // The level decides even where the severity says otherwise.
    ['DEBUG', 'critical', 'debug'],
    ['ERROR', 'low', 'error'],
  ] as const)('level %s (severity %s) is status %s', async (level, severity, status) => {
    const { log } = await deliverOne(sampleEvent({ level, severity }));
    expect(log.status).toBe(status);
    expect(log.ddtags.split(',')).toContain(`level:${level.toLowerCase()}`);
  });

  test('tag values are normalised by Datadog’s rules; commas never split a tag', async () => {
    const event = sampleEvent({ category: 'Secret Mgmt, v2!', action: 'Vault.Secret Read__by  API', tenant_id: 'Tenant:Ünïcode,east_' });
    const { log } = await deliverOne(event, config({ tags: [] }));
    const tags = log.ddtags.split(',');
    expect(tags).toEqual(['severity:critical', 'category:secret_mgmt_v2', 'action:vault.secret_read_by_api', 'tenant:tenant:ünïcode_east']);
    for (const tag of tags) expectDatadogTag(tag);
    // The record keeps the values as they are.
    expect(log.tocsin).toMatchObject({ category: 'Secret Mgmt, v2!', action: 'Vault.Secret Read__by  API', tenant_id: 'Tenant:Ünïcode,east_' });
  });

  test('a tag is cut to 200 characters; a value with nothing left is omitted', async () => {
    const { log } = await deliverOne(sampleEvent({ action: `a${'x'.repeat(400)}`, category: '!!!' }), config({ tags: [] }));
    const tags = log.ddtags.split(',');
    expect(tags.find((t) => t.startsWith('action:'))).toBe(`action:a${'x'.repeat(192)}`);
    expect(tags.some((t) => t.startsWith('category:'))).toBe(false);
    for (const tag of tags) expectDatadogTag(tag);
  });

  test('missing actor, resource, source IP and category: no usr, no network, no category tag', async () => {
    const { log } = await deliverOne(sampleEvent({ actor: null, resource: null, source_ip: null, category: null }));
    expect(log).not.toHaveProperty('usr');
    expect(log).not.toHaveProperty('network');
    expect(log.message).toBe('[critical] Credential exposure detected');
    expect(log.ddtags).not.toContain('category:');
    expectValidBody([log]);
  });

  test('an actor without a name gives usr.id only; the message falls back to ids', async () => {
    const { log } = await deliverOne(sampleEvent({ actor: { id: 'svc_7', type: 'Service', name: null }, resource: { id: 'r_9', type: null, name: ' ' } }));
    expect(log.usr).toEqual({ id: 'svc_7' });
    expect(log.message).toBe('[critical] Credential exposure detected: r_9 by svc_7');
  });

  test('the message is one line within 1,024 characters; the record keeps the title whole', async () => {
    const title = `Login\r\nfailed\u0007 ${'again '.repeat(300)}`;
    const { log } = await deliverOne(sampleEvent({ title }));
    const message = log.message as string;
    expect(message.length).toBeLessThanOrEqual(MESSAGE_MAX_CHARS);
    expect(message.startsWith('[critical] Login failed again again')).toBe(true);
    expect(message).not.toMatch(/[\r\n\u0007]/);
    expect(message.endsWith('…')).toBe(true);
    expect(log.tocsin.title).toBe(title);
  });

  test('the tocsin attribute is the wire record: nothing beyond it leaves', async () => {
    const event = sampleEvent();
    const withExtra = { ...event, internal_row_version: 7, sink_secret: 'should-not-leave' } as EventRecord;
    const { log, request } = await deliverOne(withExtra);
    expect(log.tocsin).toEqual(JSON.parse(JSON.stringify(event)));
    expect(rawOf(request)).not.toContain('should-not-leave');
  });

  test('render is pure: the same input gives the same bytes', () => {
    const input = { service: 's', source: 'tocsin', tags: ['env:prod'], now: NOW };
    expect(renderDatadogLog(sampleEvent(), input).json).toBe(renderDatadogLog(sampleEvent(), input).json);
  });
});

describe('the date and Datadog’s ingestion window (18 h past, 2 h ahead)', () => {
  const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
  const HOUR = 3_600_000;

  test.each([
    ['16 h ago', -16 * HOUR, false],
    ['20 h ago', -20 * HOUR, true],
    ['30 min ahead', 0.5 * HOUR, false],
    ['3 h ahead', 3 * HOUR, true],
  ])('an event that occurred %s: adjusted=%s', async (_name, offset, adjusted) => {
    const occurred = at(offset);
    const { log } = await deliverOne(sampleEvent({ occurred_at: occurred }));
    expect(log.date).toBe(adjusted ? NOW.toISOString() : occurred);
    expect(log.ddtags.split(',').includes('date_adjusted:true')).toBe(adjusted);
    expect(log.tocsin.occurred_at).toBe(occurred);
  });
});

describe('limits and splitting', () => {
  test('1,000 logs of ~10 KB (over 5 MB) go in several requests, each within 1,000 logs and 5,000,000 bytes; every log once, in order', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => eventN(i, { n: i, blob: 'z'.repeat(10_000) }));
    const outcomes = await send(itemsOf(events));

    expect(outcomes).toHaveLength(1000);
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    const requests = receiver.requests;
    expect(requests.length).toBeGreaterThan(1);
    const ids: unknown[] = [];
    for (const request of requests) {
      const raw = rawOf(request);
      expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(DOC_PAYLOAD_MAX_BYTES);
      const logs = logsOf(request);
      expect(logs.length).toBeLessThanOrEqual(DOC_PAYLOAD_MAX_ITEMS);
      expectValidBody(logs);
      ids.push(...logs.map((log) => log.tocsin.id));
    }
    expect(ids).toEqual(events.map((e) => e.id));
    // Packed, not one request per log: 10 MB in ~5 MB requests.
    expect(requests.length).toBeLessThanOrEqual(3);
  });

  test('1,001 small logs: 1,000 in the first request, 1 in the second', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => eventN(i));
    const outcomes = await send(itemsOf(events));
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    expect(receiver.requests.map((r) => logsOf(r).length)).toEqual([1000, 1]);
  });

  test('a huge detail is cut so each log stays within 1,000,000 bytes; five such logs still split by bytes', async () => {
    const events = Array.from({ length: 5 }, (_, i) => eventN(i, { blob: 'q'.repeat(3_000_000) }));
    const outcomes = await send(itemsOf(events));
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    expect(receiver.requests.length).toBe(2);
    for (const request of receiver.requests) {
      expect(Buffer.byteLength(rawOf(request))).toBeLessThanOrEqual(DOC_PAYLOAD_MAX_BYTES);
      for (const log of logsOf(request)) {
        expect(Buffer.byteLength(JSON.stringify(log))).toBeLessThanOrEqual(DOC_LOG_MAX_BYTES);
        expect(Buffer.byteLength(JSON.stringify(log))).toBeGreaterThan(DOC_LOG_MAX_BYTES - 64 * 1024);
        expect(log.tocsin.detail).toMatchObject({ truncated: true, original_bytes: 3_000_000 + 11 });
      }
    }
  });

  test('partial failure: a failed request gives its own logs its outcome, the others keep theirs', async () => {
    // 2,500 small logs → requests of 1,000, 1,000 and 500; the second one fails.
    receiver.script({ status: 202, body: ACCEPTED_BODY }, { status: 503, headers: { 'retry-after': '12' } }, { status: 202, body: ACCEPTED_BODY });
    const outcomes = await send(itemsOf(Array.from({ length: 2500 }, (_, i) => eventN(i))));
    expect(receiver.requests.map((r) => logsOf(r).length)).toEqual([1000, 1000, 500]);
    expect(outcomes.slice(0, 1000).every((o) => o.kind === 'delivered')).toBe(true);
    expect(outcomes.slice(1000, 2000).every((o) => o.kind === 'retryable' && o.reason === 'server_error' && o.retryAfterMs === 12_000)).toBe(true);
    expect(outcomes.slice(2000).every((o) => o.kind === 'delivered')).toBe(true);
  });

  test('a 413 for several logs (a proxy with a smaller limit) halves the request until it fits: each log delivered once', async () => {
    receiver.route('/api/v2/logs', (req) => (logsOf(req).length > 3 ? { status: 413 } : { status: 202, body: ACCEPTED_BODY }));
    const events = Array.from({ length: 10 }, (_, i) => eventN(i));
    const outcomes = await send(itemsOf(events));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(10).fill('delivered'));
    const accepted = receiver.requests.filter((r) => logsOf(r).length <= 3);
    expect(accepted.flatMap((r) => logsOf(r).map((log) => log.tocsin.id))).toEqual(events.map((e) => e.id));
    // 10 → 5 + 5 → (3 + 2) + (3 + 2): three refused, four accepted.
    expect(receiver.requests.map((r) => logsOf(r).length)).toEqual([10, 5, 3, 2, 5, 3, 2]);
  });

  test('a 413 for one log is permanent payload_too_large', async () => {
    receiver.script({ status: 413 });
    const [outcome] = await send([testItem()]);
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'payload_too_large', status: 413 });
    expect(receiver.requests).toHaveLength(1);
  });

  test('a receiver that answers 413 to everything costs a bounded number of requests', async () => {
    receiver.route('/api/v2/logs', { status: 413 });
    const outcomes = await send(itemsOf(Array.from({ length: 200 }, (_, i) => eventN(i))));
    expect(receiver.requests.length).toBe(1 + 2 * DATADOG_MAX_413_SPLITS);
    expect(outcomes.every((o) => o.kind !== 'delivered' && o.reason === 'payload_too_large')).toBe(true);
    // Logs refused alone are permanent; the rest, never tried in a smaller request, may be regrouped by a retry.
    expect(outcomes.some((o) => o.kind === 'permanent')).toBe(true);
    expect(outcomes.some((o) => o.kind === 'retryable')).toBe(true);
  });
});

describe('classification', () => {
  const one = async (response: { status: number; headers?: Record<string, string>; body?: string }) => {
    receiver.script(response);
    const [outcome] = await send([testItem()]);
    return outcome!;
  };

  test('400 is permanent client_error and carries Datadog’s errors[] text', async () => {
    const outcome = await one({ status: 400, headers: { 'content-type': 'application/json' }, body: fixtureFile('error-400.json') });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 400, message: 'HTTP 400 Bad Request: Bad Request: Malformed JSON payload' });
  });

  test('401 (missing key) is permanent auth_error', async () => {
    expect(await one({ status: 401 })).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 401 });
  });

  test('403 (invalid key) is permanent auth_error, with the API-wide error text', async () => {
    const outcome = await one({ status: 403, body: fixtureFile('error-403.json') });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 403, message: 'HTTP 403 Forbidden: Forbidden' });
  });

  test('408 is retryable timeout', async () => {
    expect(await one({ status: 408 })).toMatchObject({ kind: 'retryable', reason: 'timeout', status: 408 });
  });

  test('429 is retryable rate_limited and honours Retry-After', async () => {
    expect(await one({ status: 429, headers: { 'retry-after': '30' } })).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: 30_000 });
  });

  test.each([500, 503])('%i is retryable server_error', async (status) => {
    expect(await one({ status })).toMatchObject({ kind: 'retryable', reason: 'server_error', status });
  });

  test('an error body that echoes the API key (any case, JSON-escaped or not) has it scrubbed', async () => {
    const body = JSON.stringify({ errors: [{ status: '403', title: 'Forbidden', detail: `Invalid API key ${API_KEY.toLowerCase()}` }, `key=${API_KEY.toUpperCase()}`] });
    const outcome = await one({ status: 403, body });
    const printed = `${JSON.stringify(outcome)}\n${inspect(outcome, { depth: 5 })}`.toLowerCase();
    expect(printed).not.toContain(API_KEY.toLowerCase());
    expect(outcome).toMatchObject({ message: 'HTTP 403 Forbidden: Forbidden: Invalid API key [REDACTED]; key=[REDACTED]' });
    expect(outcome.body).toContain('[REDACTED]');
  });

  test('no outcome of a batch carries the API key, whatever the answer', async () => {
    receiver.script({ status: 202, body: API_KEY }, { status: 400, body: `{"errors":["${API_KEY}"]}` }, { status: 500, body: API_KEY });
    const sender = openForTest(datadog, config(), { http, now: () => NOW });
    const outcomes = [...(await sender.send(itemsOf([eventN(1)]))), ...(await sender.send(itemsOf([eventN(2)]))), ...(await sender.send(itemsOf([eventN(3)])))];
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'permanent', 'retryable']);
    expect(`${JSON.stringify(outcomes)}${inspect(outcomes, { depth: 5 })}`.toLowerCase()).not.toContain(API_KEY.toLowerCase());
  });
});

describe('config and endpoints', () => {
  const parse = (c: unknown) => datadog.configSchema.safeParse(c).success;

  const HOSTS: ReadonlyArray<[string, string]> = [
    ['datadoghq.com', 'https://http-intake.logs.datadoghq.com/api/v2/logs'],
    ['us3.datadoghq.com', 'https://http-intake.logs.us3.datadoghq.com/api/v2/logs'],
    ['us5.datadoghq.com', 'https://http-intake.logs.us5.datadoghq.com/api/v2/logs'],
    ['datadoghq.eu', 'https://http-intake.logs.datadoghq.eu/api/v2/logs'],
    ['ap1.datadoghq.com', 'https://http-intake.logs.ap1.datadoghq.com/api/v2/logs'],
    ['ap2.datadoghq.com', 'https://http-intake.logs.ap2.datadoghq.com/api/v2/logs'],
    ['uk1.datadoghq.com', 'https://http-intake.logs.uk1.datadoghq.com/api/v2/logs'],
    ['ddog-gov.com', 'https://http-intake.logs.ddog-gov.com/api/v2/logs'],
    ['us2.ddog-gov.com', 'https://http-intake.logs.us2.ddog-gov.com/api/v2/logs'],
  ];

  test.each(HOSTS)('site %s → %s', (site, url) => {
    const c = { api_key: API_KEY, site };
    expect(parse(c)).toBe(true);
    expect(datadog.urls(c as DatadogConfig)).toEqual([url]);
  });

  test('the host table covers every accepted site', () => {
    expect(HOSTS.map(([site]) => site).sort()).toEqual([...DATADOG_SITES].sort());
  });

  test('no site means US1; api_url wins over site, with the path appended once', () => {
    expect(datadog.urls({ api_key: API_KEY })).toEqual(['https://http-intake.logs.datadoghq.com/api/v2/logs']);
    expect(datadog.urls({ api_key: API_KEY, site: 'datadoghq.eu', api_url: 'https://dd-proxy.example.com/' })).toEqual(['https://dd-proxy.example.com/api/v2/logs']);
    expect(datadog.urls({ api_key: API_KEY, api_url: 'https://proxy.example.com/datadog' })).toEqual(['https://proxy.example.com/datadog/api/v2/logs']);
  });

  test('requests go where urls() says', async () => {
    const c = config({ api_url: `${receiver.url}/dd/` });
    await send([testItem()], c);
    const [request] = await receiver.waitForRequests(1);
    expect(`${receiver.url}${request!.path}`).toBe(datadog.urls(c)[0]);
  });

  test('accepted: upper-case hex keys, Unicode lowercase tags, forward_debug', () => {
    expect(parse({ api_key: API_KEY.toUpperCase() })).toBe(true);
    expect(parse({ api_key: API_KEY, tags: ['env:prod', 'team:sec-ops/eu', 'région:île-de-france', 'url:https://x.example/a'], forward_debug: true })).toBe(true);
    expect(parse({ api_key: API_KEY, service: 'vault.audit-eu', source: 'vaultpam' })).toBe(true);
  });

  test('a rejected tag names the form Datadog would store', () => {
    const result = datadog.configSchema.safeParse({ api_key: API_KEY, tags: ['Env:Prod West'] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('env:prod_west');
  });

  test('normalizeTag follows the documented rules and is idempotent', () => {
    expect(normalizeTag('CamelCase:Value')).toBe('camelcase:value');
    expect(normalizeTag('a  b!!c')).toBe('a_b_c');
    expect(normalizeTag('trailing__')).toBe('trailing');
    expect(normalizeTag('ends:')).toBe('ends');
    expect(normalizeTag('日本語:タグ')).toBe('日本語:タグ');
    expect(normalizeTag('emoji:😀ok')).toBe('emoji:_ok');
    for (const text of ['A B', 'x,,y', 'Ünï_code__', 'path/to.file-1']) expect(normalizeTag(normalizeTag(text))).toBe(normalizeTag(text));
  });

  test('an enterprise SIEM kind that batches within the vendor’s limits', () => {
    expect(datadog).toMatchObject({ id: 'datadog', sinkType: 'Datadog', plan: 'enterprise', routing: 'siem', secretFields: ['api_key'] });
    expect(datadog.batch).toEqual({ maxEvents: 1000, maxBytes: 5_000_000, maxWaitMs: 200 });
  });
});
