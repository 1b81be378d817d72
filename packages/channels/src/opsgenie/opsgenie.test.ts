import { readFileSync } from 'node:fs';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import { sampleEvent } from '../testing/sample-event.js';
import { openForTest, sendEvent, TEST_SINK } from '../testing/send.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../testing/test-receiver.js';
import { assertValidAlertBody, CREATE_ALERT_ACCEPTED, FIXTURE_API_KEY, validateCreateAlert } from './fixture.js';
import {
  opsgenie,
  opsgenieConfigSchema,
  renderOpsgenieAlert,
  OPSGENIE_ALIAS_MAX_LENGTH,
  OPSGENIE_DESCRIPTION_MAX_LENGTH,
  OPSGENIE_DETAILS_MAX_CHARS,
  OPSGENIE_ENTITY_MAX_LENGTH,
  OPSGENIE_MESSAGE_MAX_LENGTH,
  OPSGENIE_SOURCE_MAX_LENGTH,
  OPSGENIE_TAG_MAX_LENGTH,
  OPSGENIE_TAGS_MAX,
  type OpsgenieAlert,
  type OpsgenieConfig,
} from './index.js';

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const vendorBody = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').trim();

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ defaultResponse: { status: 202, headers: { 'content-type': 'application/json' }, body: CREATE_ALERT_ACCEPTED } });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const config = (overrides: Partial<OpsgenieConfig> = {}): OpsgenieConfig => ({ api_key: FIXTURE_API_KEY, region: 'us', api_url: receiver.url, ...overrides });

const alertOf = (request: ReceivedRequest): OpsgenieAlert => JSON.parse(request.body.toString('utf8')) as OpsgenieAlert;

async function deliver(cfg: unknown, event: EventRecord = sampleEvent()) {
  const outcome = await sendEvent(opsgenie, cfg, { http, event });
  const [request] = await receiver.waitForRequests(1);
  return { outcome, request: request!, alert: alertOf(request!) };
}

describe('the request', () => {
  test('POST to /v2/alerts with GenieKey auth and a JSON body that matches the vendor schema', async () => {
    const { outcome, request, alert } = await deliver(config());
    expect(outcome).toEqual({ kind: 'delivered', status: 202, body: CREATE_ALERT_ACCEPTED });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/alerts');
    expect(request.headers.authorization).toBe(`GenieKey ${FIXTURE_API_KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(validateCreateAlert(alert)).toBe(true);
    expect(alert).toMatchObject({
      message: '[P1] Credential exposure detected',
      alias: `tocsin:${TEST_SINK.sinkId}:0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40`,
      entity: 'db-password',
      source: 'Tocsin',
      priority: 'P1',
      tags: ['tocsin', 'severity:critical', 'category:secret', 'credential.exposure.detected'],
    });
    expect(alert).not.toHaveProperty('responders');
  });

  test('the description is a readable text of the event', async () => {
    const { alert } = await deliver(config());
    for (const line of [
      'Severity: critical (P1)',
      'Action: credential.exposure.detected',
      'Category: secret',
      'Actor: Zoë Åkesson (User u_1842)',
      'Resource: db-password (Secret vault/prod/db-password)',
      'Source IP: 198.51.100.23',
      'Occurred at: 2026-11-22T09:58:31.120Z',
      'Event ID: 0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40',
    ])
      expect(alert.description).toContain(line);
    expect(alert.description).toContain('"leak_source": "public-repo"');
  });

  test('details are all strings: the record fields and the detail flattened', async () => {
    // JSON.parse makes `__proto__` an own key, as an ingested detail would have it.
    const detail = JSON.parse('{"n":3,"ok":true,"none":null,"nested":{"list":["a",{"b":2}],"empty":{}},"__proto__":"kept"}') as Record<string, unknown>;
    const { alert } = await deliver(config(), sampleEvent({ detail }));
    for (const value of Object.values(alert.details)) expect(typeof value).toBe('string');
    expect(alert.details).toMatchObject({
      event_id: '0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40',
      tenant_id: 't_3f9a2c',
      action: 'credential.exposure.detected',
      category: 'secret',
      severity: 'critical',
      actor_id: 'u_1842',
      actor_type: 'User',
      actor_name: 'Zoë Åkesson',
      resource_id: 'vault/prod/db-password',
      resource_type: 'Secret',
      resource_name: 'db-password',
      source_ip: '198.51.100.23',
      occurred_at: '2026-11-22T09:58:31.120Z',
      'detail.n': '3',
      'detail.ok': 'true',
      'detail.none': 'null',
      'detail.nested.list.0': 'a',
      'detail.nested.list.1.b': '2',
      'detail.nested.empty': '{}',
      'detail.__proto__': 'kept',
    });
    expect(alert.details).not.toHaveProperty('detail_truncated');
  });

  test('configured responders and tags are sent', async () => {
    const responders = [
      { type: 'team' as const, name: 'SecOps' },
      { type: 'user' as const, username: 'zoe@example.com' },
      { type: 'schedule' as const, id: '4b2c1a5e-1111-4c3b-8a2e-1f0e9d8c7b6a' },
    ];
    const { alert } = await deliver(config({ responders, tags: ['prod', 'tocsin', 'eu-west'] }));
    expect(alert.responders).toEqual(responders);
    expect(alert.tags).toEqual(['tocsin', 'severity:critical', 'category:secret', 'credential.exposure.detected', 'prod', 'eu-west']);
    expect(validateCreateAlert(alert)).toBe(true);
  });

  test('no entity without a resource, no category tag or detail without a category', async () => {
    const { alert } = await deliver(config(), sampleEvent({ resource: null, category: null }));
    expect(alert).not.toHaveProperty('entity');
    expect(alert.tags).toEqual(['tocsin', 'severity:critical', 'credential.exposure.detected']);
    expect(alert.details).not.toHaveProperty('category');
    expect(alert.description).toContain('Resource: —');
  });

  test('markup and control characters in event text cannot reach the message as HTML or new lines', async () => {
    const { alert } = await deliver(config(), sampleEvent({ title: 'Leak <img src=x onerror=alert(1)>\r\nInjected line', resource: { id: 'r', type: 'T', name: '<b>db</b>' } }));
    expect(alert.message).toBe('[P1] Leak ‹img src=x onerror=alert(1)› Injected line');
    expect(alert.entity).toBe('‹b›db‹/b›');
    expect(alert.description).not.toMatch(/[<>]/);
  });
});

describe('endpoints', () => {
  test.each([
    ['us', 'https://api.opsgenie.com/v2/alerts'],
    ['eu', 'https://api.eu.opsgenie.com/v2/alerts'],
    ['jsm', 'https://api.atlassian.com/jsm/ops/integration/v2/alerts'],
  ] as const)('region %s defaults to %s', (region, url) => {
    expect(opsgenie.urls({ api_key: FIXTURE_API_KEY, region })).toEqual([url]);
  });

  test('the region defaults to us', () => {
    expect(opsgenie.urls({ api_key: FIXTURE_API_KEY })).toEqual(['https://api.opsgenie.com/v2/alerts']);
  });

  test.each([
    ['us', '', '/v2/alerts'],
    ['eu', '', '/v2/alerts'],
    ['jsm', '', '/jsm/ops/integration/v2/alerts'],
    ['eu', '/proxy/opsgenie/', '/proxy/opsgenie/v2/alerts'],
    ['jsm', '/gw', '/gw/jsm/ops/integration/v2/alerts'],
  ] as const)('region %s with api_url …%s posts to %s', async (region, prefix, path) => {
    const cfg = config({ region, api_url: `${receiver.url}${prefix}` });
    expect(opsgenieConfigSchema.safeParse(cfg).success).toBe(true);
    expect(opsgenie.urls(cfg)).toEqual([`${receiver.url}${path}`]);
    const { outcome, request } = await deliver(cfg);
    expect(outcome.kind).toBe('delivered');
    expect(request.path).toBe(path);
    expect(request.headers.authorization).toBe(`GenieKey ${FIXTURE_API_KEY}`);
  });
});

describe('alias', () => {
  test('is the same on every attempt of one event, so a retry de-duplicates', async () => {
    receiver.script({ status: 503 }, { status: 202, body: CREATE_ALERT_ACCEPTED });
    const sender = openForTest(opsgenie, config(), { http });
    const first = await sender.sendOne({ attempt: 1 });
    const second = await sender.sendOne({ attempt: 2 });
    expect([first.kind, second.kind]).toEqual(['retryable', 'delivered']);
    const [a, b] = await receiver.waitForRequests(2);
    expect(alertOf(a!).alias).toBe(`tocsin:${TEST_SINK.sinkId}:${sampleEvent().id}`);
    expect(alertOf(b!).alias).toBe(alertOf(a!).alias);
    expect(a!.body.equals(b!.body)).toBe(true);
  });

  test('differs between sinks and between events', async () => {
    const other = { tenantId: TEST_SINK.tenantId, sinkId: '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' };
    await openForTest(opsgenie, config(), { http }).sendOne();
    await openForTest(opsgenie, config(), { http, sink: other }).sendOne();
    await openForTest(opsgenie, config(), { http }).sendOne({ event: sampleEvent({ id: '1c7e5f3a-9b62-4d2f-8e4c-8a3b2d6f0c51' }) });
    const aliases = (await receiver.waitForRequests(3)).map((request) => alertOf(request).alias);
    expect(aliases[1]).toBe(`tocsin:${other.sinkId}:${sampleEvent().id}`);
    expect(new Set(aliases).size).toBe(3);
  });
});

describe('priority', () => {
  test.each([
    ['critical', 'P1'],
    ['high', 'P2'],
    ['medium', 'P3'],
    ['low', 'P4'],
  ] as const)('%s → %s', async (severity, priority) => {
    const { alert } = await deliver(config(), sampleEvent({ severity }));
    expect(alert.priority).toBe(priority);
    expect(alert.message.startsWith(`[${priority}] `)).toBe(true);
    expect(alert.tags).toContain(`severity:${severity}`);
    expect(alert.details.severity).toBe(severity);
  });
});

describe('limits', () => {
  const emoji = '🚨'; // two UTF-16 code units: a cut must not split it
  const huge = sampleEvent({
    // `[P1] ` + 123 characters puts a pair across the message's cut (and likewise the entity's).
    title: `${'T'.repeat(123)}${emoji.repeat(500)}`,
    action: `very long action ${'a,b '.repeat(100)}`,
    category: `category ${'c'.repeat(200)}`,
    actor: { id: 'u'.repeat(5_000), type: 'User', name: emoji.repeat(5_000) },
    resource: { id: 'r', type: 'Secret', name: `${'n'.repeat(OPSGENIE_ENTITY_MAX_LENGTH - 2)}${emoji.repeat(10)}` },
    detail: {
      blob: `${emoji}${'x'.repeat(3 * 1024 * 1024)}`,
      ...Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`key_${i}_${'k'.repeat(200)}`, `value ${i} ${'y'.repeat(100)}`])),
    },
  });

  test('every field of a huge event is within its limit, the body still matches the schema', async () => {
    const tags = Array.from({ length: 16 }, (_, i) => `static-${i}`);
    const { outcome, alert } = await deliver(config({ tags }), huge);
    expect(outcome.kind).toBe('delivered');

    expect(alert.message.length).toBeLessThanOrEqual(OPSGENIE_MESSAGE_MAX_LENGTH);
    expect(alert.alias.length).toBeLessThanOrEqual(OPSGENIE_ALIAS_MAX_LENGTH);
    expect(alert.description.length).toBeLessThanOrEqual(OPSGENIE_DESCRIPTION_MAX_LENGTH);
    expect(alert.entity!.length).toBeLessThanOrEqual(OPSGENIE_ENTITY_MAX_LENGTH);
    expect(alert.source.length).toBeLessThanOrEqual(OPSGENIE_SOURCE_MAX_LENGTH);
    expect(alert.tags.length).toBeLessThanOrEqual(OPSGENIE_TAGS_MAX);
    for (const tag of alert.tags) {
      expect(tag.length).toBeLessThanOrEqual(OPSGENIE_TAG_MAX_LENGTH);
      expect(tag).not.toMatch(/[\s,]/);
    }
    const detailChars = Object.entries(alert.details).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
    expect(detailChars).toBeLessThanOrEqual(OPSGENIE_DETAILS_MAX_CHARS);
    for (const value of Object.values(alert.details)) expect(typeof value).toBe('string');

    // Cut, not dropped: each field is as long as its limit allows, and says so.
    expect(alert.message.length).toBeGreaterThan(OPSGENIE_MESSAGE_MAX_LENGTH - 2);
    expect(alert.message.endsWith('…')).toBe(true);
    expect(alert.description.endsWith('[truncated by Tocsin]')).toBe(true);
    expect(alert.details.detail_truncated).toBe('true');
    expect(alert.details.event_id).toBe(huge.id);
    expect(alert.tags).toHaveLength(OPSGENIE_TAGS_MAX);
    expect(alert.tags.slice(-16)).toEqual(tags);

    // No cut splits a surrogate pair.
    for (const text of [alert.message, alert.description, alert.entity!, ...alert.tags, ...Object.keys(alert.details), ...Object.values(alert.details)]) expect(text).not.toMatch(LONE_SURROGATE);

    expect(() => assertValidAlertBody(alert)).not.toThrow();
  });
});

describe('the schema check is independent and can fail', () => {
  const valid = renderOpsgenieAlert(sampleEvent(), { sinkId: TEST_SINK.sinkId });

  test('a rendered body passes', () => {
    expect(validateCreateAlert(valid)).toBe(true);
  });

  test.each([
    ['an invalid priority', { ...valid, priority: 'P6' }],
    ['our severity as priority', { ...valid, priority: 'critical' }],
    ['a message over 130 characters', { ...valid, message: 'm'.repeat(131) }],
    ['no message', { ...valid, message: undefined }],
    ['21 tags', { ...valid, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
    ['a 51-character tag', { ...valid, tags: ['t'.repeat(51)] }],
    ['a non-string detail', { ...valid, details: { n: 1 } }],
    ['an unknown field', { ...valid, severity: 'critical' }],
    ['a user responder with a name', { ...valid, responders: [{ type: 'user', name: 'x' }] }],
  ])('rejects %s', (_name, body) => {
    expect(validateCreateAlert(JSON.parse(JSON.stringify(body)))).toBe(false);
  });

  test('details over 8,000 characters are refused by the extra check', () => {
    expect(() => assertValidAlertBody({ ...valid, details: { big: 'x'.repeat(OPSGENIE_DETAILS_MAX_CHARS) } })).toThrow(/details hold/);
  });
});

describe('classification of Opsgenie’s answers', () => {
  test('422 with Opsgenie’s errors is permanent client_error and names the field', async () => {
    receiver.script({ status: 422, headers: { 'content-type': 'application/json' }, body: vendorBody('error-422-priority.json') });
    const { outcome } = await deliver(config());
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 422 });
    expect(outcome.kind !== 'delivered' && outcome.message).toBe(
      'HTTP 422 Unprocessable Entity: Request body is not processable. Please check the errors. (priority: should be one of [ P1, P2, P3, P4, P5 ])',
    );
    expect(outcome.body).toBe(vendorBody('error-422-priority.json'));
  });

  test('400 is permanent client_error; a non-JSON body adds nothing', async () => {
    receiver.script({ status: 400, body: '<html>bad</html>' });
    const { outcome } = await deliver(config());
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 400, message: 'HTTP 400 Bad Request' });
  });

  test('401 is permanent auth_error and points at the key and the region', async () => {
    receiver.script({ status: 401, body: vendorBody('error-401.json') });
    const { outcome } = await deliver(config({ region: 'eu' }));
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 401 });
    expect(outcome.kind !== 'delivered' && outcome.message).toMatch(/^HTTP 401 Unauthorized: Could not authenticate — check the API key and the region: .*EU key gets 401 on the US host/);
  });

  test('403 (not an integration key) is permanent auth_error with Opsgenie’s message', async () => {
    receiver.script({ status: 403, body: vendorBody('error-403-not-integration-key.json') });
    const { outcome } = await deliver(config({ region: 'jsm' }));
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 403 });
    expect(outcome.kind !== 'delivered' && outcome.message).toMatch(/To perform this action, use an API key from an API integration\. — check the API key: JSM Operations/);
  });

  test('429 without Retry-After: retryable, the rate-limit headers reported, the period not used as a delay', async () => {
    receiver.script({ status: 429, headers: { 'x-ratelimit-state': 'THROTTLED', 'x-ratelimit-reason': 'INTEGRATION', 'x-ratelimit-period-in-sec': '60' }, body: '{"message":"Too many requests"}' });
    const { outcome } = await deliver(config());
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
    expect(outcome.kind !== 'delivered' && outcome.message).toBe(
      'HTTP 429 Too Many Requests: Too many requests (x-ratelimit-state: THROTTLED, x-ratelimit-reason: INTEGRATION, x-ratelimit-period-in-sec: 60)',
    );
  });

  test('429 with Retry-After honours it', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '3', 'x-ratelimit-period-in-sec': '60' } });
    const { outcome } = await deliver(config());
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: 3_000 });
  });

  test.each([500, 502, 503, 504])('%i is retryable server_error', async (status) => {
    receiver.script({ status });
    const { outcome } = await deliver(config());
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'server_error', status });
  });

  test('a key echoed back by a proxy never reaches the outcome', async () => {
    receiver.script({ status: 401, body: JSON.stringify({ message: `bad key ${FIXTURE_API_KEY}` }) });
    const { outcome } = await deliver(config());
    expect(JSON.stringify(outcome)).not.toContain(FIXTURE_API_KEY);
    expect(outcome.kind !== 'delivered' && outcome.message).toContain('bad key [REDACTED]');
  });
});
