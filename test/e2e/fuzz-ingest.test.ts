/**
 * POST /v1/events under fast-check: random JSON, deep nesting, numbers a double cannot hold,
 * duplicate keys, odd Unicode (lone surrogates, NUL, non-characters) and control characters in
 * the fields that reach a header (action, title). Never a 5xx; a 4xx stores nothing; and what is
 * accepted reads back through GET /events/v1 exactly as sent (detail deep-equal, `__proto__`
 * keys included).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eventually, startSystem, type System } from '../support/system.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
let sys: System;
let t: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  t = await sys.tenant('enterprise');
});
afterAll(async () => sys?.close());

const storedCount = () => sys.db.withTenant(t.tenantId, (tx) => tx.auditEvent.count());

/**
 * Raw JSON text that JSON.stringify cannot write: each marker string, once stringified, is
 * replaced by its raw text, so a body can carry 12345678901234567890 or a duplicate key.
 */
const RAW: Record<string, string> = {
  '@big@': '12345678901234567890',
  '@max-safe+2@': '9007199254740993',
  '@tiny@': '1e-400',
  '@huge@': '1e400',
  '@same-as-100@': '1e2',
  '@one-point-zero@': '1.0',
  '@minus-zero@': '-0',
  '@nul@': '"a\\u0000b"',
  '@lone-high@': '"\\ud800"',
  '@lone-low@': '"x\\udfff"',
  '@pair@': '"\\ud83d\\ude00"',
  '@dup@': '{"k":1,"k":2}',
  '@deep@': '{"a":'.repeat(80) + '1' + '}'.repeat(80),
};
const markers = fc.constantFrom(...Object.keys(RAW));
const toRaw = (text: string) => text.replace(/"(@[a-z0-9+-]+@)"/g, (whole, m: string) => RAW[m] ?? whole);

/** Strings with anything in them: control characters, lone surrogates, astral characters. */
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\r', '\n', '\t', '\u007f', '\u2028', '\ufeff', '\ufffe', '\ud800', '\udc00', 'é', '💥', ' ', 'a'), maxLength: 20 }),
);
/** Mostly what a producer sends, sometimes the hostile variant: so that both answers are common. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>) => fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: hostile, weight: 1 });
const key = mostly(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'é💥')), oddString);
const leaf = mostly(fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.double(), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(Number)), fc.oneof(oddString, markers));
const detail = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 40 }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
  object: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).object;

const action = mostly(
  fc.oneof(fc.constantFrom('HONEYTOKEN_TRIPPED', 'SSO_LOGIN_FAILED', 'app.custom_event'), fc.stringMatching(/^[\x21-\x7e]{1,20}$/)),
  fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), oddString),
);
const event = fc.record(
  {
    action,
    title: mostly(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), oddString),
    detail,
    severity: mostly(fc.constantFrom('low', 'high', 'CRITICAL'), fc.constantFrom('nope', '')),
    occurred_at: mostly(
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('0000-01-01T00:00:00Z', '2026-06-01T10:00:00+24:00', '2026-06-01T10:00:00-00:00')),
    ),
    actor: fc.record({ id: mostly(fc.string({ maxLength: 20 }), oddString), name: mostly(fc.string({ maxLength: 20 }), oddString) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['action'] },
);
const body = fc.oneof(event.map((e) => ({ single: true, events: [e] })), fc.array(event, { minLength: 1, maxLength: 5 }).map((events) => ({ single: false, events })));

/** The records GET /events/v1 serves for these ids, polled until all are there (a page may hold back rows of a transaction still settling). */
const readBack = (ids: string[]) =>
  eventually(async () => {
    const found = await readOnce(ids);
    return found.size === ids.length ? found : undefined;
  }, 10_000, 'the accepted events in GET /events/v1');

async function readOnce(ids: string[]): Promise<Map<string, any>> {
  const found = new Map<string, any>();
  let path = '/events/v1?limit=1000';
  for (;;) {
    const res = await sys.request('GET', path, t.token);
    expect(res.status).toBe(200);
    for (const record of res.body.data) if (ids.includes(record.id)) found.set(record.id, record);
    if (!res.body.next_cursor || found.size === ids.length || res.body.data.length === 0) return found;
    path = `/events/v1?limit=1000&cursor=${encodeURIComponent(res.body.next_cursor)}`;
  }
}

test('POST /v1/events: never a 5xx; a 4xx stores nothing; what is stored reads back as sent', async () => {
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(body, async ({ single, events }) => {
      const withIds = events.map((e) => ({ id: randomUUID(), ...e }));
      const text = toRaw(JSON.stringify(single ? withIds[0] : { events: withIds }));
      const before = await storedCount();
      const res = await sys.request('POST', '/v1/events', t.token, text);
      expect([res.status, res.body]).toEqual([expect.any(Number), expect.anything()]);
      expect(res.status).toBeLessThan(500);
      statuses.push(res.status);
      if (res.status >= 400) {
        expect(res.body.error.code).toEqual(expect.any(String));
        expect(await storedCount()).toBe(before);
        return;
      }
      expect(res.status).toBe(202);
      // What was sent, as a reader of the raw text (not our own parser) sees it; -0 is the number 0
      // (JSON has one zero; jsonb and JSON.stringify write it as 0).
      const parsed = JSON.parse(text, (_k, v: unknown) => (Object.is(v, -0) ? 0 : v));
      const sent: any[] = single ? [parsed] : parsed.events;
      const records = await readBack(sent.map((e) => e.id));
      for (const e of sent) {
        const record = records.get(e.id);
        expect(record).toBeDefined();
        expect(record.detail).toEqual(e.detail ?? {});
        if (e.detail && Object.hasOwn(e.detail, '__proto__')) expect(Object.hasOwn(record.detail, '__proto__')).toBe(true);
        if (!res.body.events?.[sent.indexOf(e)]?.catalog && !(single && res.body.catalog)) expect(record.title).toBe(e.title ?? e.action);
      }
    }),
    { numRuns: RUNS },
  );
  // Both sides were exercised: a generator that only ever produced refusals would prove nothing.
  expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(0);
  expect(statuses.filter((s) => s >= 400).length).toBeGreaterThan(0);
}, 180_000);
