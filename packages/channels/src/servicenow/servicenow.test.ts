import { randomBytes } from 'node:crypto';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import { sampleEvent } from '../testing/sample-event.js';
import { openForTest, sendEvent, TEST_SINK } from '../testing/send.js';
import { startReceiver, type Receiver, type ReceivedRequest, type ScriptedResponse } from '../testing/test-receiver.js';
import { CREATE_INCIDENT_CREATED, FIXTURE_PASSWORD, FIXTURE_USERNAME, fixtureFile, INCIDENT_PATH } from './fixture.js';
import { servicenow } from './index.js';
import { correlationIdFor, renderIncident, SERVICENOW_SEVERITY } from './render.js';

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });

/**
 * ServiceNow's default Priority Lookup Rules (impact, urgency → priority; channels.md §1, from
 * ServiceNowDocs prioritise-problems.md): written out here, independently of the channel's table.
 */
const DEFAULT_PRIORITY: Record<string, string> = { '1,1': '1', '1,2': '2', '2,1': '2', '1,3': '3', '2,2': '3', '3,1': '3', '2,3': '4', '3,2': '4', '3,3': '5' };

const DOCUMENTED_RECORD = (JSON.parse(CREATE_INCIDENT_CREATED) as { result: Record<string, unknown> }).result;

const failure = (message: string, detail: string): string => JSON.stringify({ error: { message, detail }, status: 'failure' });

interface Emulator {
  incidents: Array<Record<string, unknown>>;
  /** Holds the answer to each create this long (the record is stored at once). */
  createDelayMs: number;
  /** Answers the next lookups with this instead (then the emulator's own logic again). */
  lookupOverride: ScriptedResponse[];
  createOverride: ScriptedResponse[];
}

/**
 * A tiny ServiceNow on one table path: Basic auth checked by decoding the header (RFC 7617: the
 * user id ends at the first colon), GET filters stored records by `correlation_id` as an encoded
 * query, POST stores one record and answers 201 with the documented record shape.
 */
function serviceNowEmulator(receiver: Receiver, path = INCIDENT_PATH): Emulator {
  const state: Emulator = { incidents: [], createDelayMs: 0, lookupOverride: [], createOverride: [] };
  const json = { 'content-type': 'application/json;charset=UTF-8' };
  const pick = (record: Record<string, unknown>, fields: string | null): Record<string, unknown> =>
    fields === null ? record : Object.fromEntries(fields.split(',').filter((f) => f in record).map((f) => [f, record[f]]));

  receiver.route(path, (req: ReceivedRequest): ScriptedResponse => {
    const auth = req.headers.authorization ?? '';
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== FIXTURE_USERNAME || decoded.slice(colon + 1) !== FIXTURE_PASSWORD) {
      return { status: 401, headers: json, body: failure('User Not Authenticated', 'Required to provide Auth information') };
    }
    const url = new URL(req.path, 'http://instance');
    const fields = url.searchParams.get('sysparm_fields');
    if (req.method === 'GET') {
      const override = state.lookupOverride.shift();
      if (override) return override;
      const query = url.searchParams.get('sysparm_query') ?? '';
      const match = /^correlation_id=([^^]*)$/.exec(query);
      if (match === null) return { status: 400, headers: json, body: failure('Invalid query', query) };
      const limit = Number(url.searchParams.get('sysparm_limit') ?? '10000');
      const found = state.incidents.filter((i) => i.correlation_id === match[1]).slice(0, limit);
      return { status: 200, headers: json, body: JSON.stringify({ result: found.map((i) => pick(i, fields)) }) };
    }
    if (req.method === 'POST') {
      const override = state.createOverride.shift();
      if (override) return override;
      const input = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
      const sysId = randomBytes(16).toString('hex');
      const impact = String(input.impact);
      const urgency = String(input.urgency);
      const record = { ...DOCUMENTED_RECORD, ...input, sys_id: sysId, number: `INC${String(10001 + state.incidents.length).padStart(7, '0')}`, priority: DEFAULT_PRIORITY[`${impact},${urgency}`] ?? '' };
      state.incidents.push(record);
      return {
        status: 201,
        headers: { ...json, location: `${receiver.url}${path}/${sysId}` },
        body: JSON.stringify({ result: pick(record, fields) }),
        ...(state.createDelayMs > 0 ? { delayMs: state.createDelayMs } : {}),
      };
    }
    return { status: 405, headers: json, body: failure('Method not Supported', String(req.method)) };
  });
  return state;
}

let receiver: Receiver;
let sn: Emulator;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.reset();
  sn = serviceNowEmulator(receiver);
});

const config = (overrides: Record<string, unknown> = {}) => ({ instance_url: receiver.url, username: FIXTURE_USERNAME, password: FIXTURE_PASSWORD, ...overrides });
const posted = (): ReceivedRequest[] => receiver.requests.filter((r) => r.method === 'POST');
const bodyOf = (request: ReceivedRequest): Record<string, unknown> => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
const basicToken = Buffer.from(`${FIXTURE_USERNAME}:${FIXTURE_PASSWORD}`).toString('base64');

function expectNoSecret(value: unknown): void {
  const text = JSON.stringify(value);
  for (const secret of [FIXTURE_PASSWORD, JSON.stringify(FIXTURE_PASSWORD).slice(1, -1), basicToken]) expect(text).not.toContain(secret);
}

describe('ServiceNow incidents against a loopback Table API', () => {
  test('the first send looks the correlation id up, finds nothing, and creates one incident', async () => {
    const event = sampleEvent();
    const outcome = await sendEvent(servicenow, config({ assignment_group: '287ebd7da9fe198100f92cc8d1d2154e', caller_id: 'abel.tuter', category: 'software' }), { http, event });
    expect(outcome).toMatchObject({ kind: 'delivered', status: 201 });
    expect(JSON.parse(outcome.body!)).toEqual({ result: { sys_id: expect.stringMatching(/^[0-9a-f]{32}$/), number: 'INC0010001', priority: '1' } });

    const [lookup, create] = receiver.requests;
    expect(receiver.requests).toHaveLength(2);
    expect(lookup!.method).toBe('GET');
    const query = new URL(lookup!.path, 'http://x').searchParams;
    const correlationId = `tocsin:${TEST_SINK.sinkId}:${event.id}`;
    expect(query.get('sysparm_query')).toBe(`correlation_id=${correlationId}`);
    expect(query.get('sysparm_limit')).toBe('1');
    expect(query.get('sysparm_fields')!.split(',')).toEqual(expect.arrayContaining(['sys_id', 'number', 'correlation_id']));
    // The query travels percent-encoded: the id's colons never reach the server as raw query text.
    expect(lookup!.path).toContain(`sysparm_query=correlation_id%3D${encodeURIComponent(correlationId)}`);
    expect(lookup!.headers.accept).toBe('application/json');

    expect(create!.method).toBe('POST');
    expect(create!.path.split('?')[0]).toBe(INCIDENT_PATH);
    expect(create!.headers['content-type']).toBe('application/json');
    expect(create!.headers.accept).toBe('application/json');
    const body = bodyOf(create!);
    expect(body).toMatchObject({
      short_description: 'Tocsin critical: Credential exposure detected',
      urgency: '1',
      impact: '1',
      correlation_id: correlationId,
      correlation_display: 'Tocsin',
      assignment_group: '287ebd7da9fe198100f92cc8d1d2154e',
      caller_id: 'abel.tuter',
      category: 'software',
    });
    expect(body).not.toHaveProperty('priority');
    // One record, not an array: the Table API inserts only the first of several (KB0534905).
    expect(Array.isArray(body)).toBe(false);
    for (const value of Object.values(body)) expect(typeof value).toBe('string');
    expect(body.description).toContain('Actor: Zoë Åkesson (User u_1842)');
    expect(body.description).toContain(`Detail (JSON):\n${JSON.stringify(event.detail)}`);
    expect(sn.incidents).toHaveLength(1);
  });

  test('a retry after a timed-out create finds the incident it opened and does not open a second', async () => {
    const impatient = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 300 });
    sn.createDelayMs = 3_000;
    const sender = openForTest(servicenow, config(), { http: impatient });

    const first = await sender.sendOne({ attempt: 1 });
    expect(first).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    expect(first.kind !== 'delivered' && first.message).toMatch(/^create: /);
    expect(sn.incidents).toHaveLength(1);

    const second = await sender.sendOne({ attempt: 2 });
    expect(second).toMatchObject({ kind: 'delivered', status: 200 });
    expect(JSON.parse(second.body!)).toEqual({ existing: true, number: 'INC0010001', sys_id: sn.incidents[0]!.sys_id });

    expect(sn.incidents).toHaveLength(1);
    expect(receiver.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
  });

  test('the correlation id is per event and sink: another sink opens its own incident, a re-send does not', async () => {
    const otherSink = { tenantId: TEST_SINK.tenantId, sinkId: '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f' };
    expect((await sendEvent(servicenow, config(), { http })).kind).toBe('delivered');
    expect((await sendEvent(servicenow, config(), { http, deliveryId: 'another-delivery-of-the-same-event' })).kind).toBe('delivered');
    expect(sn.incidents).toHaveLength(1);
    expect((await sendEvent(servicenow, config(), { http, sink: otherSink })).kind).toBe('delivered');
    expect(sn.incidents.map((i) => i.correlation_id)).toEqual([`tocsin:${TEST_SINK.sinkId}:${sampleEvent().id}`, `tocsin:${otherSink.sinkId}:${sampleEvent().id}`]);
  });

  test('Basic auth: the header decodes to username:password; a wrong password is a permanent auth_error before any create', async () => {
    await sendEvent(servicenow, config(), { http });
    const [lookup] = receiver.requests;
    expect(lookup!.headers.authorization).toBe(`Basic ${basicToken}`);
    expect(Buffer.from(lookup!.headers.authorization!.slice(6), 'base64').toString('utf8')).toBe(`${FIXTURE_USERNAME}:${FIXTURE_PASSWORD}`);

    receiver.requests.length = 0;
    const outcome = await sendEvent(servicenow, config({ password: 'wrong-password' }), { http });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status: 401 });
    expect(outcome.kind !== 'delivered' && outcome.message).toContain('lookup: HTTP 401 Unauthorized: User Not Authenticated (Required to provide Auth information)');
    expect(posted()).toHaveLength(0);
    expect(JSON.stringify(outcome)).not.toContain(Buffer.from(`${FIXTURE_USERNAME}:wrong-password`).toString('base64'));
  });

  test('a huge event stays within every field limit and the request within 1 MB', async () => {
    const event = sampleEvent({
      title: `Ünïcode ${'🔥'.repeat(200)} ${'t'.repeat(10_000)}`,
      actor: { id: 'u'.repeat(5_000), type: 'User', name: 'n'.repeat(5_000) },
      detail: { blob: 'x'.repeat(2 * 1024 * 1024), nested: { list: Array.from({ length: 5_000 }, (_, i) => `item ${i}`) } },
    });
    const outcome = await sendEvent(servicenow, config(), { http, event });
    expect(outcome.kind).toBe('delivered');
    const [create] = posted();
    expect(create!.body.length).toBeLessThanOrEqual(1024 * 1024);
    const body = bodyOf(create!) as Record<string, string>;
    expect(body.short_description!.length).toBeLessThanOrEqual(160);
    expect(body.short_description!.endsWith('…')).toBe(true);
    expect(body.description!.length).toBeLessThanOrEqual(4000);
    expect(body.description).toMatch(/\n\nDetail \(JSON\):\n\{"blob":"xxx/);
    expect(body.description).toMatch(/…\n\[detail truncated: \d+ characters of JSON\]$/);
    expect(body.correlation_id!.length).toBeLessThanOrEqual(100);
    // No lone surrogate from a cut emoji: the text survives a UTF-8 round trip unchanged.
    for (const text of [body.short_description!, body.description!]) expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });

  test.each([
    ['critical', '1', '1', '1'],
    ['high', '1', '2', '2'],
    ['medium', '2', '2', '3'],
    ['low', '3', '2', '4'],
  ] as const)('%s → urgency %s, impact %s (priority %s by the default lookup rules)', async (severity, urgency, impact, priority) => {
    const outcome = await sendEvent(servicenow, config(), { http, event: sampleEvent({ severity }) });
    expect(bodyOf(posted()[0]!)).toMatchObject({ urgency, impact });
    expect(SERVICENOW_SEVERITY[severity]).toEqual({ urgency, impact });
    expect(JSON.parse(outcome.body!).result.priority).toBe(priority);
  });

  test("ServiceNow's error document goes into the message, scrubbed of the password", async () => {
    sn.createOverride.push({ status: 400, headers: { 'content-type': 'application/json' }, body: failure(`Invalid value "${FIXTURE_PASSWORD}" for field`, `request with ${JSON.stringify(FIXTURE_PASSWORD)} and Basic ${basicToken}`) });
    const outcome = await sendEvent(servicenow, config(), { http });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 400 });
    expect(outcome.kind !== 'delivered' && outcome.message).toMatch(/^create: HTTP 400 Bad Request: Invalid value "\[REDACTED\]" for field \(request with "\[REDACTED\]" and Basic \[REDACTED\]\)$/);
    expectNoSecret(outcome);
  });

  test('the documented payload rejection is a permanent client_error that names the limit', async () => {
    sn.createOverride.push({ status: 400, headers: { 'content-type': 'application/json' }, body: fixtureFile('rejected-large-payload.json') });
    const outcome = await sendEvent(servicenow, config(), { http });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error' });
    expect(outcome.kind !== 'delivered' && outcome.message).toContain('Exception while reading request (Rejected large REST payload');
  });

  test('a rate-limited lookup is retried after Retry-After, and nothing is created', async () => {
    sn.lookupOverride.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1800', 'x-ratelimit-limit': '10' }, body: fixtureFile('rate-limited-429.json') });
    const outcome = await sendEvent(servicenow, config(), { http });
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 429, retryAfterMs: 1_800_000 });
    expect(outcome.kind !== 'delivered' && outcome.message).toContain('lookup: HTTP 429 Too Many Requests: Rate limit exceeded (Rate limit of 10 requests per hour for Table API exceeded)');
    expect(posted()).toHaveLength(0);
  });

  test('a lookup that times out is retryable and creates nothing', async () => {
    sn.lookupOverride.push({ status: 200, body: '{"result":[]}', delayMs: 3_000 });
    const outcome = await sendEvent(servicenow, config(), { http: createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 300 }) });
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    expect(outcome.kind !== 'delivered' && outcome.message).toMatch(/^lookup: /);
    expect(posted()).toHaveLength(0);
  });

  test('a 200 that is not the Table API (an HTML page) is retried, never taken as "no incident"', async () => {
    sn.lookupOverride.push({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Your instance is hibernating</body></html>' });
    const outcome = await sendEvent(servicenow, config(), { http });
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'unexpected_response', status: 200 });
    expect(posted()).toHaveLength(0);
  });

  test('a table that ignores the correlation_id filter is a permanent error, not a duplicate per retry', async () => {
    sn.lookupOverride.push({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result: [{ sys_id: 'a9e30c7dc61122760116894de7bcc7bd', number: 'INC0000046' }] }) });
    const outcome = await sendEvent(servicenow, config(), { http });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error' });
    expect(posted()).toHaveLength(0);
  });

  test('another table and an instance URL with a trailing slash', async () => {
    receiver.reset();
    sn = serviceNowEmulator(receiver, '/api/now/table/sn_si_incident');
    const outcome = await sendEvent(servicenow, config({ instance_url: `${receiver.url}/`, table: 'sn_si_incident' }), { http });
    expect(outcome.kind).toBe('delivered');
    expect(receiver.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['GET /api/now/table/sn_si_incident', 'POST /api/now/table/sn_si_incident']);
  });
});

describe('renderIncident', () => {
  const input = { sinkId: TEST_SINK.sinkId };

  test('is pure', () => {
    expect(renderIncident(sampleEvent(), input)).toEqual(renderIncident(sampleEvent(), input));
  });

  test('event text cannot forge lines, hide text or become ServiceNow markup', () => {
    const event: EventRecord = sampleEvent({
      title: 'Login failed\r\nSeverity: low [code]<img src=x onerror=alert(1)>[/code] \u202Egnp.exe',
      detail: { note: '[CODE]<script>alert(1)</script>[/CODE]', rtl: '\u202E', sep: '\u2028' },
    });
    const record = renderIncident(event, input);
    expect(record.short_description).not.toMatch(/[\r\n\u202E]/);
    expect(record.description.split('\n').filter((line) => line.startsWith('Severity:'))).toEqual(['Severity: critical (urgency 1, impact 1)']);
    expect(record.description).not.toMatch(/\[\/?code\]/i);
    expect(record.description).not.toMatch(/[\u202E\u2028]/);
    // The escaped detail is still JSON, with the original text in it.
    const json = record.description.split('Detail (JSON):\n')[1]!;
    expect(JSON.parse(json)).toEqual({ note: '[ CODE]<script>alert(1)</script>[ /CODE]', rtl: '\u202E', sep: '\u2028' });
  });

  test('an id that is not plain query text is hashed into a safe correlation id', () => {
    expect(correlationIdFor(TEST_SINK.sinkId, 'evt^ORactive=true')).toMatch(/^tocsin:sha256:[0-9a-f]{64}$/);
    expect(correlationIdFor(TEST_SINK.sinkId, 'evt^ORactive=true')).not.toBe(correlationIdFor(TEST_SINK.sinkId, 'evt^ORactive=false'));
    expect(correlationIdFor(TEST_SINK.sinkId, sampleEvent().id)).toBe(`tocsin:${TEST_SINK.sinkId}:${sampleEvent().id}`);
  });
});
