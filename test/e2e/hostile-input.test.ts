/**
 * Hostile input at the API edge: what PostgreSQL cannot store, what a double cannot hold, what
 * two parsers would read differently, and bodies that cannot be read. Each is a 400 naming the
 * field (with the event's index in a batch) decided before any transaction, on every route that
 * takes it; and what is accepted is stored and read back exactly as sent.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { eventually, startSystem, type System } from '../support/system.js';

let sys: System;
let t: { tenantId: string; token: string };
let sinkId: string;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  t = await sys.tenant('enterprise');
  const sink = await sys.request('POST', '/v1/event_sink', t.token, { name: 'hostile', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } } });
  expect(sink.status).toBe(201);
  sinkId = sink.body.event_sink.id;
});
afterAll(async () => sys?.close());

/** A request with a body sent byte for byte as given. */
async function send(method: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(sys.url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}`, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Rows of every table a write route could touch, so "nothing stored" is checked, not assumed. */
async function counts(): Promise<Record<string, number>> {
  return sys.db.withTenant(t.tenantId, async (tx) => ({
    events: await tx.auditEvent.count(),
    sinks: await tx.eventSink.count(),
    tokens: await tx.apiToken.count(),
    deliveries: await tx.delivery.count(),
  }));
}

function expectRefused(res: { status: number; body: any }, status: number, code: string, path?: string, detailCode?: string) {
  expect([res.status, res.body?.error?.code]).toEqual([status, code]);
  if (path !== undefined) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  if (detailCode !== undefined) expect(res.body.error.details.map((d: { code?: string }) => d.code)).toContain(detailCode);
}

const nest = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('POST /v1/events refuses what cannot be stored exactly, naming the field', () => {
  const ev = (fields: string) => `{"action":"HONEYTOKEN_TRIPPED",${fields}}`;
  const batch = (fourth: string) => `{"events":[${ev('"title":"a"')},${ev('"title":"b"')},${ev('"title":"c"')},${fourth}]}`;

  test.each([
    ['a NUL in title', ev('"title":"a\\u0000b"'), 'title', 'nul_character'],
    ['a NUL in a detail value', ev('"detail":{"a":"x\\u0000"}'), 'detail.a', 'nul_character'],
    ['a NUL in a detail key, in a batch', batch(ev('"detail":{"a\\u0000":1}')), 'events.3.detail.a\\u0000', 'nul_character'],
    ['a NUL in action', ev('"title":"x"').replace('HONEYTOKEN_TRIPPED', 'X\\u0000'), 'action', 'nul_character'],
    ['a lone high surrogate in actor.name', ev('"actor":{"name":"\\ud800"}'), 'actor.name', 'lone_surrogate'],
    ['a lone low surrogate in a detail key, in a batch', batch(ev('"detail":{"k\\udc00":1}')), 'events.3.detail.k\\udc00', 'lone_surrogate'],
    ['a duplicate tenant_id (a proxy reading the first sees another tenant)', ev('"tenant_id":"6f1d0c8e-3b1a-4c2e-9d7f-0a1b2c3d4e5f","tenant_id":"6f1d0c8e-3b1a-4c2e-9d7f-0a1b2c3d4e5e"'), 'tenant_id', 'duplicate_key'],
    ['a duplicate key deep in detail, in a batch', batch(ev('"detail":{"a":{"k":1,"k":2}}')), 'events.3.detail.a.k', 'duplicate_key'],
    ['a duplicate action', '{"action":"HONEYTOKEN_TRIPPED","action":"SSO_LOGIN_FAILED"}', 'action', 'duplicate_key'],
    ['an integer a double cannot hold', ev('"detail":{"a":12345678901234567890}'), 'detail.a', 'inexact_number'],
    ['an integer a double cannot hold, in a batch', batch(ev('"detail":{"n":[1,9007199254740993]}')), 'events.3.detail.n.1', 'inexact_number'],
    ['a number that overflows a double', ev('"detail":{"a":1e400}'), 'detail.a', 'inexact_number'],
    ['detail nested thousands deep', ev(`"detail":${nest(5_000)}`), 'detail.' + Array.from({ length: 63 }, () => 'a').join('.'), 'too_deep'],
  ])('%s → 400 naming it, nothing stored', async (_name, body, path, detailCode) => {
    const before = await counts();
    const res = await send('POST', '/v1/events', body);
    expectRefused(res, 400, 'invalid_request', path, detailCode);
    expect(await counts()).toEqual(before);
  });

  test('a refused inexact number suggests sending it as a string, which is kept exactly', async () => {
    const res = await send('POST', '/v1/events', ev('"detail":{"a":12345678901234567890}'));
    expect(res.body.error.details[0].message).toMatch(/string/);
    const ok = await send('POST', '/v1/events', ev('"detail":{"a":"12345678901234567890"}'));
    expect(ok.status).toBe(202);
    expect((await readBack(ok.body.id)).detail).toEqual({ a: '12345678901234567890' });
  });

  test('detail may nest 32 levels; 33 is refused at the path where it passes the bound', async () => {
    const ok = await send('POST', '/v1/events', ev(`"detail":${nest(32)}`));
    expect(ok.status).toBe(202);
    expect((await readBack(ok.body.id)).detail).toEqual(JSON.parse(nest(32)));
    const before = await counts();
    const deep = await send('POST', '/v1/events', batch(ev(`"detail":${nest(33)}`)));
    expectRefused(deep, 400, 'invalid_request', ['events', 3, 'detail', ...Array.from({ length: 32 }, () => 'a')].join('.'));
    expect(await counts()).toEqual(before);
  });

  test.each([
    ['year 0000', '0000-06-01T00:00:00Z'],
    ['year 10000', '10000-01-01T00:00:00Z'],
    ['an offset of +24:00', '2026-06-01T10:00:00+24:00'],
    ['an offset of +23:59 (PostgreSQL refuses past 15:59)', '2026-06-01T10:00:00+23:59'],
    ['an offset of -15:00', '2026-06-01T10:00:00-15:00'],
    ['an instant before year 1 once the offset is applied', '0001-01-01T00:30:00+01:00'],
    ['a leap second', '2026-06-30T23:59:60Z'],
    ['a day that does not exist', '2026-02-30T10:00:00Z'],
  ])('occurred_at with %s → 400 naming it, in a batch too', async (_name, at) => {
    const before = await counts();
    expectRefused(await send('POST', '/v1/events', ev(`"occurred_at":"${at}"`)), 400, 'invalid_request', 'occurred_at');
    expectRefused(await send('POST', '/v1/events', batch(ev(`"occurred_at":"${at}"`))), 400, 'invalid_request', 'events.3.occurred_at');
    expect(await counts()).toEqual(before);
  });

  test.each([
    ['-00:00 (offset unknown, RFC 3339)', '2026-06-01T10:00:00-00:00', '2026-06-01T10:00:00.000Z'],
    ['+14:00', '2026-06-01T10:00:00+14:00', '2026-05-31T20:00:00.000Z'],
    ['-12:00', '2026-06-01T10:00:00-12:00', '2026-06-01T22:00:00.000Z'],
    ['the first instant of year 1', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['the last millisecond of year 9999', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('occurred_at with %s is stored as that instant', async (_name, at, stored) => {
    const res = await send('POST', '/v1/events', ev(`"occurred_at":"${at}"`));
    expect(res.status).toBe(202);
    expect((await readBack(res.body.id)).occurred_at).toBe(stored);
  });
});

/**
 * The record as GET /events/v1 serves it. Polled: a page holds back rows while an older
 * transaction (a configuration audit event, say) may still commit below them.
 */
async function readBack(id: string): Promise<any> {
  return eventually(async () => {
    const res = await sys.request('GET', '/events/v1?limit=1000', t.token);
    expect(res.status).toBe(200);
    return res.body.data.find((r: { id: string }) => r.id === id);
  }, 10_000, `event ${id} in GET /events/v1`);
}

describe('what is stored is what the producer sent', () => {
  test('__proto__ and constructor keys in detail are stored as plain keys and read back identical', async () => {
    const detail = '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"nested":{"__proto__":[1,2]},"toString":"s"}';
    const res = await send('POST', '/v1/events', `{"action":"HONEYTOKEN_TRIPPED","detail":${detail}}`);
    expect(res.status).toBe(202);
    // In the database: the keys themselves, not a prototype.
    const [row] = await sys.db.withTenant(t.tenantId, (tx) =>
      tx.$queryRaw<{ proto: boolean; inner: unknown }[]>`SELECT detail ? '__proto__' AS proto, detail -> '__proto__' AS inner FROM audit_event WHERE id = ${res.body.id}::uuid`,
    );
    expect(row).toEqual({ proto: true, inner: { isAdmin: true } });
    // Read back: JSON.parse makes own properties, so this compares every key. (jsonb keeps
    // objects in its own key order; JSON objects are unordered, RFC 8259 §4.)
    const record = await readBack(res.body.id);
    expect(Object.keys(record.detail).sort()).toEqual(['__proto__', 'constructor', 'nested', 'toString']);
    expect(record.detail).toEqual(JSON.parse(detail));
    expect(Object.getPrototypeOf(record.detail)).toBe(Object.prototype);
  });

  test('numbers are kept: a double written differently is the same value; -0 is 0', async () => {
    const res = await send('POST', '/v1/events', '{"action":"HONEYTOKEN_TRIPPED","detail":{"a":1.0,"b":1e2,"c":-0,"d":0.1,"e":9007199254740991,"f":5e-324,"g":1.7976931348623157e308}}');
    expect(res.status).toBe(202);
    expect((await readBack(res.body.id)).detail).toEqual({ a: 1, b: 100, c: 0, d: 0.1, e: 9007199254740991, f: 5e-324, g: 1.7976931348623157e308 });
  });

  test('a surrogate pair, escaped or raw, is the character it encodes', async () => {
    // Not a catalog action: a catalog event's title is the catalog's.
    const res = await send('POST', '/v1/events', '{"action":"app.custom_event","title":"\\ud83d\\udca5 💥","detail":{"\\ud83d\\ude00":"ok"}}');
    expect(res.status).toBe(202);
    const record = await readBack(res.body.id);
    expect([record.title, record.detail]).toEqual(['💥 💥', { '😀': 'ok' }]);
  });
});

describe('bodies that cannot be read', () => {
  const body = JSON.stringify({ action: 'HONEYTOKEN_TRIPPED', detail: { pad: 'x'.repeat(4_000) } });

  test.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('Content-Encoding %s: whole → 202; cut short → 400 invalid_content_encoding, nothing stored', async (encoding, compress) => {
    const compressed = compress(Buffer.from(body));
    const whole = await send('POST', '/v1/events', compressed, { 'content-encoding': encoding });
    expect(whole.status).toBe(202);
    const before = await counts();
    const cut = await send('POST', '/v1/events', compressed.subarray(0, Math.floor(compressed.length / 2)), { 'content-encoding': encoding });
    expectRefused(cut, 400, 'invalid_content_encoding');
    expect(cut.body.error.message).toContain(encoding);
    const garbage = await send('POST', '/v1/events', Buffer.from('not compressed at all'), { 'content-encoding': encoding });
    expectRefused(garbage, 400, 'invalid_content_encoding');
    expect(await counts()).toEqual(before);
  });

  test('a compressed body over 1 MiB once inflated → 413', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ action: 'HONEYTOKEN_TRIPPED', detail: { pad: 'x'.repeat(2 * 1024 * 1024) } })));
    expect(bomb.length).toBeLessThan(10_000);
    expectRefused(await send('POST', '/v1/events', bomb, { 'content-encoding': 'gzip' }), 413, 'payload_too_large');
  });

  test('an unknown Content-Encoding → 415', async () => {
    expectRefused(await send('POST', '/v1/events', Buffer.from(body), { 'content-encoding': 'compress' }), 415, 'unsupported_media_type');
  });

  test('bytes that are not UTF-8 → 400 invalid_json (not stored with U+FFFD in their place)', async () => {
    const before = await counts();
    const bad = Buffer.concat([Buffer.from('{"action":"HONEYTOKEN_TRIPPED","title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expectRefused(await send('POST', '/v1/events', bad), 400, 'invalid_json');
    // A surrogate written as UTF-8 bytes (CESU-8) is not UTF-8 either.
    const cesu = Buffer.concat([Buffer.from('{"action":"HONEYTOKEN_TRIPPED","title":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    expectRefused(await send('POST', '/v1/events', cesu), 400, 'invalid_json');
    expect(await counts()).toEqual(before);
  });

  test('a charset other than UTF-8 → 415; UTF-8 spelt either way is read', async () => {
    expectRefused(await send('POST', '/v1/events', body, { 'content-type': 'application/json; charset=utf-16le' }), 415, 'unsupported_media_type');
    expect((await send('POST', '/v1/events', body, { 'content-type': 'application/json; charset="UTF-8"' })).status).toBe(202);
  });

  test('text after the JSON value → 400 invalid_json', async () => {
    expectRefused(await send('POST', '/v1/events', '{"action":"HONEYTOKEN_TRIPPED"} {"action":"X"}'), 400, 'invalid_json', '(body)');
  });
});

describe('every route refuses the same input the same way', () => {
  test.each([
    ['POST', '/v1/event_sink', '{"name":"a\\u0000b","event_sink_args":{"Webhook":{"url":"https://93.184.215.14/hook"}}}', 'name', 'nul_character'],
    ['POST', '/v1/event_sink', '{"name":"n","description":"\\ud800","event_sink_args":{"Webhook":{"url":"https://93.184.215.14/hook"}}}', 'description', 'lone_surrogate'],
    ['POST', '/v1/event_sink', '{"name":"n","event_sink_args":{"Webhook":{"url":"https://93.184.215.14/\\u0000"}}}', 'event_sink_args.Webhook.url', 'nul_character'],
    ['POST', '/v1/event_sink', '{"name":"n","event_sink_args":{"Webhook":{"url":"https://93.184.215.14/a","url":"http://127.0.0.1:9/b"}}}', 'event_sink_args.Webhook.url', 'duplicate_key'],
    ['PUT', '/v1/event_sink/{id}', '{"name":"\\u0000"}', 'name', 'nul_character'],
    ['PUT', '/v1/event_sink/{id}', '{"description":"x\\udfff"}', 'description', 'lone_surrogate'],
    ['PUT', '/v1/event_sink/{id}', '{"event_sink_args":{"Webhook":{"secret":"whsec_\\u0000"}}}', 'event_sink_args.Webhook.secret', 'nul_character'],
    ['PUT', '/v1/event_sink/{id}', '{"enabled":true,"enabled":false}', 'enabled', 'duplicate_key'],
    ['POST', '/v1/tokens', '{"name":"ci\\u0000","scopes":["events:write"]}', 'name', 'nul_character'],
    ['POST', '/v1/tokens', '{"name":"ci","scopes":["events:write"],"scopes":["admin"]}', 'scopes', 'duplicate_key'],
    ['POST', '/v1/event_sink/{id}/recover', '{"since":"2026-06-01T00:00:00Z\\u0000"}', 'since', 'nul_character'],
  ])('%s %s: %s → 400 naming %s, nothing stored', async (method, path, body, field, detailCode) => {
    const before = await counts();
    expectRefused(await send(method, path.replace('{id}', sinkId), body), 400, 'invalid_request', field, detailCode);
    expect(await counts()).toEqual(before);
  });

  test.each([
    ['year 0000', '0000-06-01T00:00:00Z'],
    ['an offset of +24:00', '2026-06-01T00:00:00+24:00'],
    ['an offset of +15:30', '2026-06-01T00:00:00+15:30'],
    ['year 10000', '10000-01-01T00:00:00Z'],
  ])('recover since and the delivery list since with %s → 400 naming since', async (_name, at) => {
    expectRefused(await send('POST', `/v1/event_sink/${sinkId}/recover`, JSON.stringify({ since: at })), 400, 'invalid_request', 'since');
    expectRefused(await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?since=${encodeURIComponent(at)}`, t.token), 400, 'invalid_request', 'since');
  });

  test.each([
    ['from', '0000-01-01'],
    ['from', '0000-06-01T00:00:00Z'],
    ['from', '2026-06-01T00:00:00+23:59'],
    ['from', '2026-06-01T00:00:00%2B24:00'],
    ['from', '%00'],
    ['to', '9999-12-31'],
    ['to', '10000-01-01T00:00:00Z'],
    ['to', '2026-06-01T00:00:00-16:00'],
    ['to', '2026-06-01%00'],
    ['cursor', '%00'],
    ['cursor', '%ED%A0%80'],
  ])('GET /events/v1?%s=%s → 400 naming it', async (param, value) => {
    const res = await sys.request('GET', `/events/v1?${param}=${value.replace(/\+/g, '%2B')}`, t.token);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(param);
  });

  test('the widest accepted window is years 0001 to 9999', async () => {
    const res = await sys.request('GET', '/events/v1?from=0001-01-01&to=9999-12-30', t.token);
    expect(res.status).toBe(200);
    const stamps = await sys.request('GET', `/events/v1?from=${encodeURIComponent('0001-01-01T00:00:00Z')}&to=${encodeURIComponent('9999-12-31T23:59:59.999Z')}`, t.token);
    expect(stamps.status).toBe(200);
  });

  test('GET /v1/event_sink/{id}/deliveries with a NUL in state → 400 naming state', async () => {
    expectRefused(await sys.request('GET', `/v1/event_sink/${sinkId}/deliveries?state=failed%00`, t.token), 400, 'invalid_request', 'state');
  });
});

describe('a destination that does not resolve is not a policy refusal', () => {
  // .example.com names other than the apex do not exist (RFC 2606); with no resolver at all the
  // lookup fails too, and that is the same answer.
  const url = `https://nx-${Date.now().toString(36)}.example.com/hook`;

  test('create → 400 destination_unresolved naming the host; nothing stored', async () => {
    const before = await counts();
    const res = await sys.request('POST', '/v1/event_sink', t.token, { name: 'nx', event_sink_args: { Webhook: { url } } });
    expectRefused(res, 400, 'destination_unresolved', 'event_sink_args.Webhook');
    expect(res.body.error.message).toContain(new URL(url).hostname);
    expect(res.body.error.message).toMatch(/did not resolve/);
    expect(await counts()).toEqual(before);
  });

  test('update → 400 destination_unresolved; a denied address is still egress_denied', async () => {
    expectRefused(await sys.request('PUT', `/v1/event_sink/${sinkId}`, t.token, { event_sink_args: { Webhook: { url } } }), 400, 'destination_unresolved');
    expectRefused(await sys.request('PUT', `/v1/event_sink/${sinkId}`, t.token, { event_sink_args: { Webhook: { url: 'https://10.0.0.1/hook' } } }), 400, 'egress_denied');
  });
});
