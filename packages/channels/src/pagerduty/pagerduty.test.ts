import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import { sampleEvent } from '../testing/sample-event.js';
import { openForTest, sendEvent, TEST_SINK } from '../testing/send.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../testing/test-receiver.js';
import { ROUTING_KEY, SUCCESS_BODY } from './fixture.js';
import { pagerduty } from './index.js';
import {
  PAGERDUTY_DEDUP_KEY_MAX_CHARS,
  PAGERDUTY_PAYLOAD_MAX_BYTES,
  PAGERDUTY_SUMMARY_MAX_CHARS,
  pagerdutyDedupKey,
  renderPagerDuty,
} from './render.js';
import { truncateChars } from '../core/truncate.js';

const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// Independent check: PagerDuty's published request schema (transcribed, see its $comment), not ours.
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as { default: (a: Ajv) => void }).default(ajv);
// PagerDuty's OpenAPI uses a non-standard `format: "url"` (links, images, client_url).
ajv.addFormat('url', true);
const validateEvent: ValidateFunction = ajv.compile(JSON.parse(fixtureFile('events-v2.schema.json')));

function expectValidEvent(body: unknown): void {
  const ok = validateEvent(body);
  expect(ajv.errorsText(validateEvent.errors)).toBe('No errors');
  expect(ok).toBe(true);
}

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });
const NOW = new Date('2026-11-22T10:00:00.000Z');

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ defaultResponse: { status: 202, headers: { 'content-type': 'application/json' }, body: SUCCESS_BODY } });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const config = () => ({ routing_key: ROUTING_KEY, api_url: receiver.url });

async function deliver(event: EventRecord = sampleEvent()) {
  const outcome = await sendEvent(pagerduty, config(), { http, event, now: () => NOW });
  const [request] = await receiver.waitForRequests(1);
  return { outcome, request: request!, body: JSON.parse(request!.body.toString('utf8')) };
}

const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body.toString('utf8'));

describe('PagerDuty delivery to a real receiver', () => {
  test('POSTs one valid trigger event as JSON to <api_url>/v2/enqueue; 202 success is delivered', async () => {
    const event = sampleEvent();
    const { outcome, request, body } = await deliver(event);

    expect(outcome).toEqual({ kind: 'delivered', status: 202, body: SUCCESS_BODY });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/enqueue');
    expect(request.headers['content-type']).toBe('application/json');
    expectValidEvent(body);
    expect(body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `tocsin:${TEST_SINK.sinkId}:${event.id}`,
      payload: {
        summary: '[CRITICAL] Credential exposure detected: db-password by Zoë Åkesson',
        source: 'vault/prod/db-password',
        severity: 'critical',
        timestamp: event.occurred_at,
        component: 'Secret',
        group: 'secret',
        class: 'credential.exposure.detected',
        custom_details: JSON.parse(JSON.stringify(event)),
      },
      client: 'Tocsin',
    });
  });

  test.each([
    ['critical', 'critical'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'info'],
  ] as const)('severity %s is sent as %s, and the body matches the published schema', async (ours, theirs) => {
    const { body } = await deliver(sampleEvent({ severity: ours }));
    expect(body.payload.severity).toBe(theirs);
    expect(body.payload.summary.startsWith(`[${ours.toUpperCase()}] `)).toBe(true);
    expect(body.custom_details).toBeUndefined();
    expect(body.payload.custom_details.severity).toBe(ours);
    expectValidEvent(body);
  });

  test('custom_details is the wire record: nothing beyond it leaves', async () => {
    const event = sampleEvent();
    const withExtra = { ...event, internal_row_version: 7, sink_secret: 'should-not-leave' } as EventRecord;
    const { body, request } = await deliver(withExtra);
    expect(body.payload.custom_details).toEqual(JSON.parse(JSON.stringify(event)));
    expect(request.body.toString('utf8')).not.toContain('should-not-leave');
  });

  test('retries of one event to one sink carry one dedup_key; another sink gets its own', async () => {
    const event = sampleEvent();
    receiver.script({ status: 503 }, { status: 429 }, { status: 202, body: SUCCESS_BODY });
    const sinkA = openForTest(pagerduty, config(), { http, sink: TEST_SINK, now: () => NOW });
    const outcomes = [
      await sinkA.sendOne({ event, deliveryId: 'dlv_first', attempt: 1 }),
      await sinkA.sendOne({ event, deliveryId: 'dlv_first', attempt: 2 }),
      // A re-send (manual retry / recover) may be a new delivery: still the same alert.
      await sinkA.sendOne({ event, deliveryId: 'dlv_resend', attempt: 1 }),
    ];
    expect(outcomes.map((o) => o.kind)).toEqual(['retryable', 'retryable', 'delivered']);

    const otherSink = { ...TEST_SINK, sinkId: '9c1d7e55-2b3a-4f6e-8d9c-0a1b2c3d4e5f' };
    await openForTest(pagerduty, config(), { http, sink: otherSink, now: () => NOW }).sendOne({ event, deliveryId: 'dlv_first' });

    const keys = (await receiver.waitForRequests(4)).map((r) => bodyOf(r).dedup_key);
    expect(keys[0]).toBe(`tocsin:${TEST_SINK.sinkId}:${event.id}`);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).toBe(`tocsin:${otherSink.sinkId}:${event.id}`);
    expect(keys[3]).not.toBe(keys[0]);
  });

  test('another event to the same sink gets another dedup_key', async () => {
    const sender = openForTest(pagerduty, config(), { http, now: () => NOW });
    await sender.sendOne({ event: sampleEvent() });
    await sender.sendOne({ event: sampleEvent({ id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' }) });
    const [a, b] = await receiver.waitForRequests(2);
    expect(bodyOf(a!).dedup_key).not.toBe(bodyOf(b!).dedup_key);
  });
});

describe('fields and limits', () => {
  const render = (event: EventRecord) => JSON.parse(renderPagerDuty(event, { routingKey: ROUTING_KEY, sinkId: TEST_SINK.sinkId }).body);

  test('a long title is cut to 1,024 characters with an ellipsis; the record keeps it whole', () => {
    const title = `${'Suspicious sign-in '.repeat(100)}😀`;
    const body = render(sampleEvent({ title }));
    expect(body.payload.summary).toHaveLength(PAGERDUTY_SUMMARY_MAX_CHARS);
    expect(body.payload.summary.endsWith('…')).toBe(true);
    expect(body.payload.custom_details.title).toBe(title);
    expectValidEvent(body);
  });

  test('truncation never splits a surrogate pair', () => {
    const text = `${'a'.repeat(1022)}😀😀`;
    const cut = truncateChars(text, PAGERDUTY_SUMMARY_MAX_CHARS);
    expect(cut.length).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX_CHARS);
    expect(cut).toBe(`${'a'.repeat(1022)}…`);
    expect(truncateChars('short', 10)).toBe('short');
  });

  test('the summary is one line: control characters and newlines become spaces', () => {
    const body = render(sampleEvent({ title: 'Login\r\nfailed\u0007 twice', actor: { id: 'u_1', type: 'User', name: 'eve\nadmin' } }));
    expect(body.payload.summary).toBe('[CRITICAL] Login failed twice: db-password by eve admin');
  });

  test('source: resource id, else resource name, else source IP, else "tocsin"; optional fields are omitted', () => {
    const noType = { id: null, type: null, name: 'payroll' };
    expect(render(sampleEvent()).payload.source).toBe('vault/prod/db-password');
    expect(render(sampleEvent({ resource: noType })).payload.source).toBe('payroll');
    const bare = render(sampleEvent({ resource: null, actor: null, category: null }));
    expect(bare.payload.source).toBe('198.51.100.23');
    expect(bare.payload.summary).toBe('[CRITICAL] Credential exposure detected');
    expect(bare.payload).not.toHaveProperty('component');
    expect(bare.payload).not.toHaveProperty('group');
    expectValidEvent(bare);
    expect(render(sampleEvent({ resource: null, source_ip: null })).payload.source).toBe('tocsin');
    expect(render(sampleEvent({ resource: { id: '', type: '', name: ' ' }, source_ip: null })).payload.source).toBe('tocsin');
  });

  test('the dedup key stays within 255 characters for any ids', () => {
    const long = pagerdutyDedupKey('s'.repeat(200), 'e'.repeat(200));
    expect(long).toMatch(/^tocsin:sha256:[0-9a-f]{64}$/);
    expect(long).toBe(pagerdutyDedupKey('s'.repeat(200), 'e'.repeat(200)));
    expect(long).not.toBe(pagerdutyDedupKey('s'.repeat(200), 'f'.repeat(200)));
    expect(pagerdutyDedupKey(TEST_SINK.sinkId, 'e1').length).toBeLessThanOrEqual(PAGERDUTY_DEDUP_KEY_MAX_CHARS);
  });

  test.each([
    ['one huge string', { blob: 'x'.repeat(3 * 1024 * 1024) }],
    ['many keys', Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key_${i}`, `value ${i} ${'y'.repeat(40)}`]))],
    // Quotes, backslashes and control characters grow when escaped: the budget must still hold.
    ['escape-heavy text', { blob: '"\\\u0001'.repeat(400_000) }],
    ['multi-byte text', { blob: 'Å😀'.repeat(200_000) }],
  ])('an oversized detail (%s) is cut to fit 512,000 bytes and the body still matches the schema', async (_name, detail) => {
    const event = sampleEvent({ detail });
    const { outcome, request, body } = await deliver(event);
    expect(outcome.kind).toBe('delivered');
    expect(request.body.length).toBeLessThanOrEqual(PAGERDUTY_PAYLOAD_MAX_BYTES);
    expect(request.body.length).toBeGreaterThan(PAGERDUTY_PAYLOAD_MAX_BYTES - 64 * 1024);
    expectValidEvent(body);
    const json = JSON.stringify(detail);
    const kept = body.payload.custom_details.detail;
    expect(kept).toMatchObject({ truncated: true, original_bytes: Buffer.byteLength(json) });
    expect(json.startsWith(kept.json_prefix)).toBe(true);
    expect(kept.json_prefix.length).toBeGreaterThan(0);
    // The rest of the record is intact.
    expect(body.payload.custom_details).toMatchObject({ id: event.id, tenant_id: event.tenant_id, action: event.action, actor: event.actor, resource: event.resource });
  });

  test('a record whose other fields alone are too big (never from ingest) still fits, with its ids', () => {
    const event = sampleEvent({ title: 't'.repeat(600_000) });
    const rendered = renderPagerDuty(event, { routingKey: ROUTING_KEY, sinkId: TEST_SINK.sinkId });
    expect(rendered.truncated).toBe(true);
    expect(Buffer.byteLength(rendered.body)).toBeLessThanOrEqual(PAGERDUTY_PAYLOAD_MAX_BYTES);
    const body = JSON.parse(rendered.body);
    expect(body.payload.custom_details).toEqual({ id: event.id, tenant_id: event.tenant_id, action: event.action, truncated: true });
    expectValidEvent(body);
  });

  test('a detail that fits is sent as it is', () => {
    const rendered = renderPagerDuty(sampleEvent({ detail: { blob: 'x'.repeat(400_000) } }), { routingKey: ROUTING_KEY, sinkId: 's' });
    expect(rendered.truncated).toBe(false);
    expect(JSON.parse(rendered.body).payload.custom_details.detail.blob).toHaveLength(400_000);
  });
});

describe('the schema can fail', () => {
  type Body = Record<string, unknown> & { payload?: Record<string, unknown> };
  const valid = (): Body => JSON.parse(renderPagerDuty(sampleEvent(), { routingKey: ROUTING_KEY, sinkId: TEST_SINK.sinkId }).body);

  test('our rendered body passes', () => expectValidEvent(valid()));

  test.each([
    ['severity "high"', (b: Body) => (b.payload!.severity = 'high'), 'must be equal to one of the allowed values'],
    ['a 1,025-character summary', (b: Body) => (b.payload!.summary = 's'.repeat(1025)), 'must NOT have more than 1024 characters'],
    ['a 256-character dedup_key', (b: Body) => (b.dedup_key = 'd'.repeat(256)), 'must NOT have more than 255 characters'],
    ['a 31-character routing_key', (b: Body) => (b.routing_key = ROUTING_KEY.slice(1)), 'must NOT have fewer than 32 characters'],
    ['no source', (b: Body) => delete b.payload!.source, "must have required property 'source'"],
    ['a trigger without payload', (b: Body) => delete b.payload, "must have required property 'payload'"],
    ['event_action "create"', (b: Body) => (b.event_action = 'create'), 'must be equal to one of the allowed values'],
    ['a timestamp that is not a date-time', (b: Body) => (b.payload!.timestamp = 'yesterday'), 'must match format "date-time"'],
  ])('rejects %s', (_name, mutate, error) => {
    const body = valid();
    mutate(body);
    expect(validateEvent(body)).toBe(false);
    expect(ajv.errorsText(validateEvent.errors)).toContain(error);
  });
});

describe('classification', () => {
  test('400 is permanent client_error and carries PagerDuty’s errors[] text', async () => {
    receiver.script({ status: 400, headers: { 'content-type': 'application/json' }, body: fixtureFile('invalid-event-400.json') });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 400 });
    expect(outcome.kind !== 'delivered' && outcome.message).toBe(
      'HTTP 400 Bad Request: Event object is invalid; Service key is the wrong length (should be 32 characters)',
    );
  });

  test('400 for an unrecognized object', async () => {
    receiver.script({ status: 400, body: fixtureFile('unrecognized-object-400.json') });
    const { outcome } = await deliver();
    expect(outcome.kind !== 'delivered' && outcome.message).toBe('HTTP 400 Bad Request: Event object format is unrecognized; JSON parse error');
  });

  test('a 400 that echoes the routing key (in any case) has it scrubbed from message and body', async () => {
    const echo = JSON.stringify({ status: 'invalid event', message: `bad key ${ROUTING_KEY}`, errors: [`unknown ${ROUTING_KEY.toLowerCase()}`] });
    receiver.script({ status: 400, body: echo });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error' });
    const printed = `${JSON.stringify(outcome)}\n${inspect(outcome, { depth: 5 })}`.toLowerCase();
    expect(printed).not.toContain(ROUTING_KEY.toLowerCase());
    expect(outcome.kind !== 'delivered' && outcome.message).toBe('HTTP 400 Bad Request: bad key [REDACTED]; unknown [REDACTED]');
    expect(outcome.body).toContain('[REDACTED]');
  });

  test('a 400 without a JSON body keeps the shared message', async () => {
    receiver.script({ status: 400, body: '<html>bad request</html>' });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', message: 'HTTP 400 Bad Request', body: '<html>bad request</html>' });
  });

  test('429 is retryable rate_limited with the shared backoff (no Retry-After from PagerDuty)', async () => {
    receiver.script({ status: 429, body: '429 - Request Limit Exceeded' });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  test.each([500, 502, 503, 504, 599])('%i is retryable server_error', async (status) => {
    receiver.script({ status });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'server_error', status });
  });

  test.each([
    [401, 'auth_error'],
    [403, 'auth_error'],
    [404, 'not_found'],
  ] as const)('%i is permanent %s (shared rules)', async (status, reason) => {
    receiver.script({ status });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'permanent', reason, status });
  });

  test('a 2xx whose JSON status is not "success" is not delivered', async () => {
    receiver.script({ status: 202, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid' }) });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'unexpected_response', status: 202 });
  });

  test('a 2xx without a JSON body is delivered (the status code decides)', async () => {
    receiver.script({ status: 202, body: '' });
    const { outcome } = await deliver();
    expect(outcome).toMatchObject({ kind: 'delivered', status: 202 });
  });
});

describe('config and endpoints', () => {
  const parse = (c: unknown) => pagerduty.configSchema.safeParse(c).success;

  test('the routing key is exactly 32 letters or digits', () => {
    expect(parse({ routing_key: ROUTING_KEY })).toBe(true);
    expect(parse({ routing_key: 'a'.repeat(31) })).toBe(false);
    expect(parse({ routing_key: 'a'.repeat(33) })).toBe(false);
    expect(parse({ routing_key: `${'a'.repeat(31)}-` })).toBe(false);
  });

  test.each([
    [{ routing_key: ROUTING_KEY }, 'https://events.pagerduty.com/v2/enqueue'],
    [{ routing_key: ROUTING_KEY, region: 'us' }, 'https://events.pagerduty.com/v2/enqueue'],
    [{ routing_key: ROUTING_KEY, region: 'eu' }, 'https://events.eu.pagerduty.com/v2/enqueue'],
    [{ routing_key: ROUTING_KEY, region: 'eu', api_url: 'https://pd-proxy.example.com/' }, 'https://pd-proxy.example.com/v2/enqueue'],
    [{ routing_key: ROUTING_KEY, api_url: 'https://proxy.example.com/pagerduty' }, 'https://proxy.example.com/pagerduty/v2/enqueue'],
  ] as const)('urls(%j) is [%s]', (c, url) => {
    expect(parse(c)).toBe(true);
    expect(pagerduty.urls(c)).toEqual([url]);
  });

  test('requests go where urls() says', async () => {
    const c = { routing_key: ROUTING_KEY, api_url: `${receiver.url}/pd/` };
    await sendEvent(pagerduty, c, { http });
    const [request] = await receiver.waitForRequests(1);
    expect(`${receiver.url}${request!.path}`).toBe(pagerduty.urls(c)[0]);
  });

  test('the rate limit is 2 per second (≈120 calls/minute per integration key)', () => {
    expect(pagerduty.request).toEqual({ ratePerSecond: 2 });
  });
});
