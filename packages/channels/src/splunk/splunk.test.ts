import { gunzipSync } from 'node:zlib';
import { inspect } from 'node:util';
import type { DeliveryItem } from '../core/channel.js';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { sampleEvent } from '../testing/sample-event.js';
import { openForTest, sendItems, testItem } from '../testing/send.js';
import { startReceiver, type Receiver, type ReceivedRequest, type ScriptedResponse } from '../testing/test-receiver.js';
import { splunkConfigSchema, splunkEventUrl } from './config.js';
import { fixtureFile, HEC_TOKEN, SUCCESS_BODY } from './fixture.js';
import { splunk } from './index.js';
import { metadataPrefix, renderSplunkEvent, splunkMetadata, SPLUNK_REQUEST_MAX_BYTES } from './render.js';

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });
const NOW = new Date('2026-11-22T10:00:00.000Z');
const EVENT_PATH = '/services/collector/event';

// ---------------------------------------------------------------------------------------------
// An independent reader of HEC bodies, written from the format page ("Format events for HTTP
// Event Collector"), not from render.ts: HEC reads one JSON object after another from the stream
// (whitespace between them allowed), not a JSON array. Besides the parsed object it keeps the raw
// text of each top-level member, so `time` can be checked as written, not as JSON.parse reads it.

interface HecObject {
  value: Record<string, unknown>;
  /** Raw JSON text of each top-level member's value. */
  members: Record<string, string>;
}

function endOfString(text: string, open: number): number {
  let j = open + 1;
  while (text[j] !== '"') {
    if (j >= text.length) throw new Error('unterminated string');
    if (text[j] === '\\') j += 1;
    j += 1;
  }
  return j;
}

function scanObject(text: string, start: number): { end: number; members: Record<string, string> } {
  const members: Record<string, string> = {};
  let depth = 0;
  let key: string | undefined;
  let valueStart = -1;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      const close = endOfString(text, i);
      if (depth === 1 && key === undefined && valueStart < 0) key = JSON.parse(text.slice(i, close + 1)) as string;
      i = close;
    } else if (c === ':' && depth === 1 && valueStart < 0) {
      valueStart = i + 1;
    } else if (c === '{' || c === '[') {
      depth += 1;
    } else if ((c === ',' || c === '}') && depth === 1) {
      if (key !== undefined && valueStart >= 0) members[key] = text.slice(valueStart, i).trim();
      key = undefined;
      valueStart = -1;
      if (c === '}') return { end: i + 1, members };
    } else if (c === '}' || c === ']') {
      depth -= 1;
    }
  }
  throw new Error('unterminated object');
}

/** Splits a HEC body into its event objects, as HEC reads it; throws on anything else. */
function parseHecStream(text: string): HecObject[] {
  const objects: HecObject[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
    if (i >= text.length) return objects;
    if (text[i] !== '{') throw new Error(`expected an event object at offset ${i}, found ${JSON.stringify(text[i])}`);
    const { end, members } = scanObject(text, i);
    objects.push({ value: JSON.parse(text.slice(i, end)) as Record<string, unknown>, members });
    i = end;
  }
}

const bodyText = (request: ReceivedRequest): string => gunzipSync(request.body).toString('utf8');
const hecEvents = (request: ReceivedRequest): HecObject[] => parseHecStream(bodyText(request));
const eventIds = (request: ReceivedRequest): string[] => hecEvents(request).map((o) => (o.value.event as EventRecord).id);

// ---------------------------------------------------------------------------------------------

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({ defaultResponse: { status: 200, headers: { 'content-type': 'application/json' }, body: SUCCESS_BODY } });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const config = (extra: Record<string, unknown> = {}) => ({ url: receiver.url, token: HEC_TOKEN, ...extra });

const eventId = (i: number): string => `0b6f4d2e-8a51-4c1e-9d3b-${String(i).padStart(12, '0')}`;
const items = (n: number, event: (i: number) => Partial<EventRecord> = () => ({})): DeliveryItem[] =>
  Array.from({ length: n }, (_, i) => testItem({ deliveryId: `dlv_${i}`, event: sampleEvent({ id: eventId(i), ...event(i) }) }));

const send = (list: DeliveryItem[], extra: Record<string, unknown> = {}): Promise<Outcome[]> => sendItems(splunk, config(extra), list, { http, now: () => NOW });

const hecAnswer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const kinds = (outcomes: Outcome[]) => outcomes.map((o) => (o.kind === 'delivered' ? 'delivered' : `${o.kind}:${o.reason}`));

/** The record's documented fields, in the documented order (design §4). */
const WIRE_FIELDS = ['id', 'tenant_id', 'action', 'title', 'category', 'severity', 'level', 'actor', 'resource', 'source_ip', 'detail', 'occurred_at', 'received_at'];

describe('the request', () => {
  test('POSTs gzip-compressed, concatenated HEC event objects to <url>/services/collector/event with the token', async () => {
    const event = sampleEvent({ level: 'CRITICAL' });
    const outcomes = await send([testItem({ event })], { index: 'security', sourcetype: 'vaultpam:audit', source: 'vaultpam-prod', host: 'vault-eu-1' });

    expect(outcomes).toEqual([{ kind: 'delivered', status: 200, body: SUCCESS_BODY }]);
    const [request] = receiver.requests;
    expect(receiver.requests).toHaveLength(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(EVENT_PATH);
    expect(request!.headers.authorization).toBe(`Splunk ${HEC_TOKEN}`);
    expect(request!.headers['content-encoding']).toBe('gzip');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-splunk-request-channel']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // gzip's magic bytes: really compressed, not just labelled.
    expect([...request!.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);

    const [hec] = hecEvents(request!);
    expect(hec!.value).toEqual({
      time: Date.parse(event.occurred_at) / 1000,
      host: 'vault-eu-1',
      source: 'vaultpam-prod',
      sourcetype: 'vaultpam:audit',
      index: 'security',
      event: JSON.parse(JSON.stringify(event)),
      fields: { severity: 'critical', level: 'CRITICAL', category: 'secret', action: 'credential.exposure.detected' },
    });
    expect(Object.keys(hec!.value.event as object)).toEqual(WIRE_FIELDS);
    expect(hec!.members.time).toBe('1795341511.120');
  });

  test('several events are concatenated objects, not a JSON array, in the order given', async () => {
    await send(items(3));
    const raw = bodyText(receiver.requests[0]!);
    expect(raw.startsWith('{')).toBe(true);
    expect(() => JSON.parse(raw)).toThrow();
    expect(eventIds(receiver.requests[0]!)).toEqual([eventId(0), eventId(1), eventId(2)]);
  });

  test('defaults: source "tocsin", sourcetype "tocsin:audit"; no index or host unless configured', async () => {
    await send([testItem()]);
    const [hec] = hecEvents(receiver.requests[0]!);
    expect(hec!.value.source).toBe('tocsin');
    expect(hec!.value.sourcetype).toBe('tocsin:audit');
    expect(hec!.value).not.toHaveProperty('index');
    expect(hec!.value).not.toHaveProperty('host');
  });

  test('the record is the wire record: nothing beyond it leaves', async () => {
    const event = sampleEvent();
    await send([testItem({ event: { ...event, internal_row_version: 7, sink_secret: 'should-not-leave' } as EventRecord })]);
    const [hec] = hecEvents(receiver.requests[0]!);
    expect(hec!.value.event).toEqual(JSON.parse(JSON.stringify(event)));
    expect(bodyText(receiver.requests[0]!)).not.toContain('should-not-leave');
  });

  test.each([
    ['2026-11-22T09:58:31.120Z', '1795341511.120'],
    ['2026-11-22T09:58:31Z', '1795341511.000'],
    ['2026-11-22T09:58:31.005Z', '1795341511.005'],
    ['2026-11-22T11:58:31.999+02:00', '1795341511.999'],
    ['1970-01-01T00:00:00.001Z', '0.001'],
    ['2286-11-20T17:46:40.000Z', '10000000000.000'],
  ])('time of %s is written %s: epoch seconds, plain decimal with milliseconds', async (occurredAt, expected) => {
    await send([testItem({ event: sampleEvent({ occurred_at: occurredAt }) })]);
    const [hec] = hecEvents(receiver.requests[0]!);
    expect(hec!.members.time).toMatch(/^\d+\.\d{3}$/);
    // An independent computation: toFixed never uses exponent notation below 1e21.
    expect(hec!.members.time).toBe((Date.parse(occurredAt) / 1000).toFixed(3));
    expect(hec!.members.time).toBe(expected);
  });

  test('indexed fields are flat strings; a null level or category is left out, not sent as null', async () => {
    await send([
      testItem({ event: sampleEvent({ id: eventId(0), level: 'WARN', severity: 'medium' }) }),
      testItem({ event: sampleEvent({ id: eventId(1), level: null, category: null, severity: 'low' }) }),
    ]);
    const [first, second] = hecEvents(receiver.requests[0]!);
    expect(first!.value.fields).toEqual({ severity: 'medium', level: 'WARN', category: 'secret', action: 'credential.exposure.detected' });
    expect(second!.value.fields).toEqual({ severity: 'low', action: 'credential.exposure.detected' });
    for (const hec of [first!, second!]) for (const value of Object.values(hec.value.fields as object)) expect(typeof value).toBe('string');
    // The record keeps its nulls: `level` is part of it whatever its value.
    expect((second!.value.event as EventRecord).level).toBeNull();
  });

  test.each([
    ['', EVENT_PATH],
    ['/', EVENT_PATH],
    ['/services/collector', EVENT_PATH],
    ['/services/collector/', EVENT_PATH],
    ['/services/collector/event', EVENT_PATH],
    ['/services/collector/event/', EVENT_PATH],
    ['/services/collector/event/1.0', `${EVENT_PATH}/1.0`],
    ['/splunk-proxy', `/splunk-proxy${EVENT_PATH}`],
    ['/splunk-proxy/services/collector/event', `/splunk-proxy${EVENT_PATH}`],
  ])('url "<receiver>%s" posts to %s, never doubling the path', async (suffix, path) => {
    const url = `${receiver.url}${suffix}`;
    expect(splunkConfigSchema.safeParse({ url, token: HEC_TOKEN }).success).toBe(true);
    expect(splunk.urls({ url, token: HEC_TOKEN })).toEqual([`${receiver.url}${path}`]);
    await sendItems(splunk, { url, token: HEC_TOKEN }, [testItem()], { http });
    expect(receiver.requests[0]!.path).toBe(path);
  });

  test('one request channel per sender: the same on every send, another for another sender', async () => {
    const first = openForTest(splunk, config(), { http });
    await first.sendOne();
    await first.sendOne();
    await openForTest(splunk, config(), { http }).sendOne();
    const channels = receiver.requests.map((r) => r.headers['x-splunk-request-channel']);
    expect(channels[0]).toBe(channels[1]);
    expect(channels[2]).not.toBe(channels[0]);
  });
});

describe('config', () => {
  test.each(['main', 'security', 'tocsin-audit_2', '0idx', 'a'.repeat(80)])('index %s is a valid Splunk index name', (index) => {
    expect(splunkConfigSchema.safeParse({ url: 'https://splunk.example.com:8088', token: HEC_TOKEN, index }).success).toBe(true);
  });

  test('a token that is not a GUID is accepted when it is visible ASCII (HEC-compatible receivers)', () => {
    expect(splunkConfigSchema.safeParse({ url: 'https://http-inputs-acme.splunkcloud.com', token: 'cribl_Tok3n-with.symbols!' }).success).toBe(true);
  });

  test('splunkEventUrl keeps a proxy prefix and a port', () => {
    expect(splunkEventUrl('https://splunk.example.com:8088')).toBe('https://splunk.example.com:8088/services/collector/event');
    expect(splunkEventUrl('https://gw.example.com/splunk/')).toBe('https://gw.example.com/splunk/services/collector/event');
  });
});

describe('limits and splitting', () => {
  test('1,000 events with big details go in several requests, each within 900,000 bytes and 1,000 events; each event once, in order', async () => {
    const detail = (i: number) => ({ note: `event ${i} ${'d'.repeat(2_500)}`, nested: { i, list: [1, 2, 3] } });
    const outcomes = await send(items(1000, (i) => ({ detail: detail(i) })));

    expect(outcomes).toHaveLength(1000);
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    expect(receiver.requests.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const request of receiver.requests) {
      const raw = bodyText(request);
      expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(SPLUNK_REQUEST_MAX_BYTES);
      const events = parseHecStream(raw);
      expect(events.length).toBeLessThanOrEqual(1000);
      // Nothing was truncated: each event is far below the per-request limit.
      for (const e of events) expect((e.value.event as EventRecord).detail).toHaveProperty('note');
      seen.push(...events.map((e) => (e.value.event as EventRecord).id));
    }
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => eventId(i)));
  });

  test('more than 1,000 small events are split by count', async () => {
    const outcomes = await send(items(1001));
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    expect(receiver.requests.map((r) => hecEvents(r).length)).toEqual([1000, 1]);
  });

  test('a request that fails gives its own events its outcome; the other requests keep theirs', async () => {
    const big = { note: 'x'.repeat(400_000) };
    receiver.script({ status: 200, body: SUCCESS_BODY }, hecAnswer(503, { text: 'Server is busy', code: 9 }), { status: 200, body: SUCCESS_BODY });
    const outcomes = await send(items(6, () => ({ detail: big })));
    const sizes = receiver.requests.map((r) => hecEvents(r).length);
    expect(sizes).toEqual([2, 2, 2]);
    expect(kinds(outcomes)).toEqual(['delivered', 'delivered', 'retryable:rate_limited', 'retryable:rate_limited', 'delivered', 'delivered']);
  });

  test('an event over the limit is cut to fit, alone; the events around it are sent whole', async () => {
    const huge = { blob: 'z'.repeat(2 * SPLUNK_REQUEST_MAX_BYTES) };
    const outcomes = await send(items(3, (i) => (i === 1 ? { detail: huge } : {})));
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    const all = receiver.requests.flatMap((r) => {
      expect(Buffer.byteLength(bodyText(r))).toBeLessThanOrEqual(SPLUNK_REQUEST_MAX_BYTES);
      return hecEvents(r).map((e) => e.value.event as EventRecord);
    });
    expect(all.map((e) => e.id)).toEqual([eventId(0), eventId(1), eventId(2)]);
    expect(all[0]!.detail).toEqual(sampleEvent().detail);
    expect(all[1]!.detail).toMatchObject({ truncated: true, original_bytes: JSON.stringify(huge).length });
    expect(all[2]!.detail).toEqual(sampleEvent().detail);
  });

  test('a 413 for several events halves the request and sends both halves', async () => {
    receiver.script({ status: 413, body: 'Content-Length of 1234 too large' });
    const outcomes = await send(items(4));
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    expect(receiver.requests.map(eventIds)).toEqual([
      [eventId(0), eventId(1), eventId(2), eventId(3)],
      [eventId(0), eventId(1)],
      [eventId(2), eventId(3)],
    ]);
  });

  test('a 413 for one event is permanent payload_too_large', async () => {
    receiver.script({ status: 413 }, { status: 413 }, { status: 413 });
    const outcomes = await send(items(2));
    expect(kinds(outcomes)).toEqual(['permanent:payload_too_large', 'permanent:payload_too_large']);
    expect(receiver.requests.map((r) => hecEvents(r).length)).toEqual([2, 1, 1]);
  });

  test('rendering serialises a normal event once (no re-serialisation loop)', () => {
    const prefix = metadataPrefix(splunkMetadata({ index: 'security' }));
    const original = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof original>) => {
      calls += 1;
      return original(...args);
    }) as typeof original;
    try {
      renderSplunkEvent(sampleEvent(), prefix);
    } finally {
      JSON.stringify = original;
    }
    // The record and the indexed fields: nothing else is serialised per event.
    expect(calls).toBe(2);
  });

  test('render is pure: the same event gives the same bytes', () => {
    const prefix = metadataPrefix(splunkMetadata({}));
    const event = sampleEvent();
    const copy = structuredClone(event);
    expect(renderSplunkEvent(event, prefix).text).toBe(renderSplunkEvent(copy, prefix).text);
    expect(event).toEqual(copy);
  });
});

describe('partial failure: invalid-event-number', () => {
  /**
   * A HEC stand-in: reads the body as HEC does and refuses the first event whose id is in `bad`,
   * with the documented answer; events before it count as indexed.
   */
  const rejecting = (bad: ReadonlySet<string>) => (request: ReceivedRequest): ScriptedResponse => {
    const ids = eventIds(request);
    const n = ids.findIndex((id) => bad.has(id));
    if (n < 0) return { status: 200, body: SUCCESS_BODY };
    return hecAnswer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': n });
  };

  test('events before the bad one are delivered, it fails for good, the rest are re-sent at once — repeatedly', async () => {
    receiver.route(EVENT_PATH, rejecting(new Set([eventId(3), eventId(7)])));
    const outcomes = await send(items(10));

    expect(receiver.requests.map(eventIds)).toEqual([
      Array.from({ length: 10 }, (_, i) => eventId(i)),
      [4, 5, 6, 7, 8, 9].map(eventId),
      [8, 9].map(eventId),
    ]);
    expect(kinds(outcomes)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'permanent:client_error',
      'delivered',
      'delivered',
      'delivered',
      'permanent:client_error',
      'delivered',
      'delivered',
    ]);
    const rejected = outcomes[3] as Extract<Outcome, { kind: 'permanent' }>;
    expect(rejected.status).toBe(400);
    expect(rejected.message).toContain('Invalid data format');
    expect(rejected.message).toContain('HEC code 6');
    expect(outcomes[9]).toEqual({ kind: 'delivered', status: 200, body: SUCCESS_BODY });
  });

  test('the documented answer, played back: event 1 of 3 refused, event 2 re-sent alone', async () => {
    receiver.script({ status: 400, headers: { 'content-type': 'application/json' }, body: fixtureFile('invalid-data-format-400.json') });
    const outcomes = await send(items(3));
    expect(kinds(outcomes)).toEqual(['delivered', 'permanent:client_error', 'delivered']);
    expect(receiver.requests.map(eventIds)).toEqual([[0, 1, 2].map(eventId), [eventId(2)]]);
  });

  test('the last event refused: no follow-up request', async () => {
    receiver.route(EVENT_PATH, rejecting(new Set([eventId(2)])));
    const outcomes = await send(items(3));
    expect(kinds(outcomes)).toEqual(['delivered', 'delivered', 'permanent:client_error']);
    expect(receiver.requests).toHaveLength(1);
  });

  test('a follow-up that fails gives only its events that outcome', async () => {
    receiver.script(hecAnswer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 }), hecAnswer(503, { text: 'Server is busy', code: 9 }));
    const outcomes = await send(items(4));
    expect(kinds(outcomes)).toEqual(['delivered', 'permanent:client_error', 'retryable:rate_limited', 'retryable:rate_limited']);
  });

  test('a follow-up goes before the next split request', async () => {
    receiver.script(hecAnswer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 }));
    await send(items(1001));
    expect(receiver.requests.map((r) => hecEvents(r).length)).toEqual([1000, 999, 1]);
    expect(eventIds(receiver.requests[1]!)[0]).toBe(eventId(1));
    expect(eventIds(receiver.requests[2]!)).toEqual([eventId(1000)]);
  });

  test('code 7 (incorrect index) carries a number too, but fails every event: the index is the sink\'s', async () => {
    receiver.script({ status: 400, body: fixtureFile('incorrect-index-400.json') });
    const outcomes = await send(items(3), { index: 'security' });
    expect(kinds(outcomes)).toEqual(Array(3).fill('permanent:client_error'));
    expect((outcomes[0] as Extract<Outcome, { kind: 'permanent' }>).message).toContain("check the sink's index");
    expect(receiver.requests).toHaveLength(1);
  });

  test('a number outside the request is not trusted: every event gets the answer', async () => {
    receiver.script(hecAnswer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 5 }));
    const outcomes = await send(items(3));
    expect(kinds(outcomes)).toEqual(Array(3).fill('permanent:client_error'));
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('classification: HEC code beats the status', () => {
  const table = (JSON.parse(fixtureFile('hec-codes.json')) as { codes: Array<{ code: number; status: number; text: string }> }).codes;
  // Written from channels.md §9 and the channel brief, not from send.ts.
  const expected: Record<number, string> = {
    0: 'delivered',
    1: 'permanent:auth_error',
    2: 'permanent:auth_error',
    3: 'permanent:auth_error',
    4: 'permanent:auth_error',
    5: 'permanent:client_error',
    6: 'permanent:client_error',
    7: 'permanent:client_error',
    8: 'retryable:server_error',
    9: 'retryable:rate_limited',
    10: 'permanent:client_error',
    11: 'permanent:client_error',
    12: 'permanent:client_error',
    13: 'permanent:client_error',
    14: 'permanent:client_error',
    15: 'permanent:client_error',
    16: 'permanent:client_error',
    18: 'retryable:server_error',
    19: 'retryable:server_error',
    20: 'retryable:server_error',
  };

  test('the fixture table covers every code the channel classifies', () => {
    expect(table.map((row) => row.code)).toEqual(Object.keys(expected).map(Number));
  });

  test.each(table.map((row) => [row.code, row.status, row.text] as const))('code %i (HTTP %i "%s") is classified as documented', async (code, status, text) => {
    receiver.script(hecAnswer(status, { text, code }));
    const [outcome] = await send([testItem()]);
    expect(kinds([outcome!])).toEqual([expected[code]]);
    expect(outcome!.status).toBe(status);
    if (outcome!.kind !== 'delivered') {
      expect(outcome!.message).toContain(`HEC code ${code}`);
      expect(outcome!.message).toContain(text);
    }
  });

  test('the code wins over a status that says otherwise', async () => {
    receiver.script(hecAnswer(200, { text: 'Server is busy', code: 9 }), hecAnswer(400, { text: 'Internal server error', code: 8 }), hecAnswer(503, { text: 'Invalid token', code: 4 }));
    const outcomes = [...(await send([testItem()])), ...(await send([testItem()])), ...(await send([testItem()]))];
    expect(kinds(outcomes)).toEqual(['retryable:rate_limited', 'retryable:server_error', 'permanent:auth_error']);
  });

  test('code 9 with Retry-After is honoured', async () => {
    receiver.script({ ...hecAnswer(503, { text: 'Server is busy', code: 9 }, { 'retry-after': '12' }) });
    const [outcome] = await send([testItem()]);
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: 12_000, status: 503 });
  });

  test('the documented fixtures play back as expected', async () => {
    receiver.script(
      { status: 503, body: fixtureFile('server-busy-503.json') },
      { status: 403, body: fixtureFile('invalid-token-403.json') },
      { status: 400, body: fixtureFile('indexed-fields-400.json') },
    );
    const outcomes = [...(await send([testItem()])), ...(await send([testItem()])), ...(await send([testItem()]))];
    expect(kinds(outcomes)).toEqual(['retryable:rate_limited', 'permanent:auth_error', 'permanent:client_error']);
    expect((outcomes[1] as Extract<Outcome, { kind: 'permanent' }>).message).toContain("check the sink's token");
  });

  test('an unknown code falls back to the status, with HEC\'s text in the message', async () => {
    receiver.script(hecAnswer(400, { text: 'Something new', code: 99 }), hecAnswer(503, { text: 'Shutting down', code: 23 }));
    const outcomes = [...(await send([testItem()])), ...(await send([testItem()]))];
    expect(kinds(outcomes)).toEqual(['permanent:client_error', 'retryable:server_error']);
    expect((outcomes[0] as Extract<Outcome, { kind: 'permanent' }>).message).toContain('Something new');
  });

  test('a 2xx without a HEC answer (an HEC-compatible receiver\'s empty 204) is delivered', async () => {
    receiver.script({ status: 204 });
    const [outcome] = await send([testItem()]);
    expect(outcome).toMatchObject({ kind: 'delivered', status: 204 });
  });
});

describe('secrets', () => {
  const tricky = 'tok"en\\with-quote';

  test.each([
    ['a GUID token', HEC_TOKEN],
    ['a token with a quote and a backslash', tricky],
  ])('%s echoed by HEC never appears in an outcome', async (_name, token) => {
    const echoed = JSON.stringify({ text: `Invalid token ${token}`, code: 4 });
    receiver.script({ status: 403, body: echoed }, hecAnswer(400, { text: `Invalid data format near ${token}`, code: 6, 'invalid-event-number': 0 }));
    const first = await sendItems(splunk, { url: receiver.url, token }, [testItem()], { http });
    const second = await sendItems(splunk, { url: receiver.url, token }, items(2), { http });
    expect(receiver.requests[0]!.headers.authorization).toBe(`Splunk ${token}`);
    const printed = `${JSON.stringify([...first, ...second])}\n${inspect([...first, ...second], { depth: 10 })}`;
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(JSON.stringify(token).slice(1, -1));
    expect(printed).toContain('[REDACTED]');
  });
});
