import fc from 'fast-check';
import { checkStrictJson, isExactNumber, JsonEncodingError, JsonRefusal, JsonSyntaxError, MAX_DEPTH, parseStrictJson } from './strict-json.js';

const parse = (text: string) => parseStrictJson(Buffer.from(text, 'utf8'));

function refusal(text: string | Buffer): JsonRefusal {
  try {
    parseStrictJson(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  } catch (err) {
    if (err instanceof JsonRefusal) return err;
    throw err;
  }
  throw new Error(`accepted: ${String(text)}`);
}

describe('refusals name the path and the reason', () => {
  test.each([
    ['a duplicate key', '{"tenant_id":"a","tenant_id":"b"}', 'duplicate_key', ['tenant_id']],
    ['a duplicate key spelt with an escape', '{"a":1,"\\u0061":2}', 'duplicate_key', ['a']],
    ['a duplicate non-ASCII key, raw and escaped', '{"é":1,"\\u00e9":2}', 'duplicate_key', ['é']],
    ['a duplicate key deep in a batch', '{"events":[{},{},{},{"detail":{"x":[{"k":1,"k":2}]}}]}', 'duplicate_key', ['events', 3, 'detail', 'x', 0, 'k']],
    ['a duplicate key in a large object', `{${Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',')},"k7":0}`, 'duplicate_key', ['k7']],
    ['an integer past 2^53', '{"n":12345678901234567890}', 'inexact_number', ['n']],
    ['2^53 + 1', '[9007199254740993]', 'inexact_number', [0]],
    ['more digits than a double holds', '{"x":0.10000000000000000001}', 'inexact_number', ['x']],
    ['an overflow', '{"x":1e400}', 'inexact_number', ['x']],
    ['an underflow', '{"x":-1e-400}', 'inexact_number', ['x']],
    ['an escaped NUL in a value', '{"events":[{"title":"a\\u0000b"}]}', 'nul_character', ['events', 0, 'title']],
    ['an escaped NUL in a key', '{"detail":{"a\\u0000":1}}', 'nul_character', ['detail', 'a\\u0000']],
    ['a lone high surrogate', '{"s":"\\ud800"}', 'lone_surrogate', ['s']],
    ['a high surrogate before a non-surrogate escape', '{"s":"\\ud800\\u0041"}', 'lone_surrogate', ['s']],
    ['a lone low surrogate', '{"s":"x\\udc00"}', 'lone_surrogate', ['s']],
    ['a lone surrogate in a key', '{"d":{"\\udbff":1}}', 'lone_surrogate', ['d', '\\udbff']],
  ])('%s', (_name, text, code, path) => {
    const error = refusal(text);
    expect([error.code, error.path]).toEqual([code, path]);
  });

  test(`more than ${MAX_DEPTH} levels is refused at the level that passes the bound`, () => {
    expect(() => parse('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).not.toThrow();
    const error = refusal(`{"d":${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}}`);
    expect([error.code, error.path]).toEqual(['too_deep', ['d', ...Array.from({ length: MAX_DEPTH - 1 }, () => 0)]]);
    // Thousands deep (the case that used to answer 500) is refused as quickly.
    expect(refusal('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)).code).toBe('too_deep');
  });
});

describe('what is accepted is what JSON.parse makes of it', () => {
  test.each([
    ['the same values written differently', '{"a":1.0,"b":1e2,"c":-0,"d":0.1,"e":1.5E-3,"f":5e-324,"g":1.7976931348623157e308}'],
    ['a surrogate pair, escaped and raw', '["\\ud83d\\ude00", "😀"]'],
    ['every simple escape', '"\\" \\\\ \\/ \\b \\f \\n \\r \\t"'],
    ['a leading byte order mark', '\ufeff{"a":1}'],
    ['scalars at the top', ' null '],
  ])('%s', (_name, text) => {
    expect(parse(text)).toEqual(JSON.parse(text.replace(/^\ufeff/, '')));
  });

  test('__proto__ and constructor keys stay plain own data and pollute nothing', () => {
    const value = parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":{"__proto__":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'a']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":{"__proto__":1}}');
  });

  test('any JSON.stringify output is accepted unchanged, unless it holds a NUL or a lone surrogate', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        // JSON.stringify escapes NUL as \u0000 and a lone surrogate as \udXXX; paired ones are raw.
        const unstorable = /\\u0000|\\ud[89a-f][0-9a-f]{2}/.test(text);
        if (unstorable) expect(['nul_character', 'lone_surrogate']).toContain(refusal(text).code);
        else expect(parse(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('numbers: exact means it reads back as the same decimal', () => {
  test('an integer is accepted exactly when JavaScript writes its double back as the same integer (checked with BigInt)', () => {
    // Below 1e21 String(double) is plain digits. 30023997515803310 is accepted although the
    // double's exact value is ...308: it is written back as ...310, the value that was sent.
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (n) => {
        expect(isExactNumber(String(n))).toBe(BigInt(String(Number(n))) === n);
      }),
      { numRuns: 2_000 },
    );
  });

  test('every finite double, as JavaScript writes it, is exact', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(isExactNumber(JSON.stringify(d))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test('a digit added past what the double holds is refused', () => {
    expect(isExactNumber('0.1')).toBe(true);
    expect(isExactNumber('0.12345678901234567')).toBe(false);
    expect(isExactNumber('100e-2')).toBe(true);
  });
});

describe('syntax: the scan agrees with JSON.parse on what is JSON', () => {
  const token = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '9', 'e', 'E', '+', '-', '.', 'a', ' ', '\n', 'true', 'false', 'null', '"k"', '\t', '\u0001');
  const nearJson = fc.oneof(
    fc.array(token, { maxLength: 30 }).map((t) => t.join('')),
    fc.tuple(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'), fc.nat(), token).map(([text, at, insert]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, i) + insert + text.slice(i + 1);
    }),
  );

  test('a text is a syntax error here exactly when JSON.parse rejects it', () => {
    fc.assert(
      fc.property(nearJson, (text) => {
        let native = true;
        try {
          JSON.parse(text);
        } catch {
          native = false;
        }
        let ours = true;
        try {
          checkStrictJson(Buffer.from(text, 'utf8'));
        } catch (err) {
          if (!(err instanceof JsonRefusal)) {
            expect(err).toBeInstanceOf(JsonSyntaxError);
            ours = false;
          }
        }
        expect([text, ours]).toEqual([text, native]);
      }),
      { numRuns: 3_000 },
    );
  });

  test('bytes that are not UTF-8 are refused, not replaced with U+FFFD', () => {
    expect(() => parseStrictJson(Buffer.from([0x22, 0xff, 0x22]))).toThrow(JsonEncodingError);
    // A surrogate encoded as UTF-8 (CESU-style) is not UTF-8 either.
    expect(() => parseStrictJson(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toThrow(JsonEncodingError);
  });
});
