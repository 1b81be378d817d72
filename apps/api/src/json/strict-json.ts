/**
 * The JSON every request body is read with: RFC 8259 syntax, restricted so that what is stored is
 * exactly what the producer sent, and what PostgreSQL can store.
 *
 * - No duplicate keys, anywhere (I-JSON, RFC 7493 §2.3): parsers disagree on which one wins, so a
 *   proxy that reads the first `tenant_id` and Tocsin, which would read the last, would see two
 *   different records.
 * - Every number must survive a round trip through a JS double unchanged (I-JSON §2.2):
 *   `12345678901234567890` would silently become `12345678901234567000`. `1.0`, `1e2` and `-0`
 *   are the same values as `1`, `100` and `0` and are accepted; a value that changes is refused,
 *   and the message suggests sending it as a string.
 * - No NUL character (`\u0000`) in a string or key: PostgreSQL's text and jsonb cannot hold one.
 * - No unpaired UTF-16 surrogate (`"\ud800"` alone, I-JSON §2.1): it is not a character, jsonb
 *   refuses it, and a text column would store U+FFFD instead.
 * - At most {@link MAX_DEPTH} levels of nesting.
 *
 * The bytes are checked by a single scan (bytes, not the decoded string: indexing a Buffer is
 * several times faster than `charCodeAt`), then built by the native JSON.parse, which is much
 * faster than building values here. JSON.parse makes a `__proto__` or `constructor` key an own data
 * property (it defines properties, it never assigns), so those keys stay plain data and reach
 * the database like any other.
 */

/** Deepest nesting a body may have: the body itself is level 1. */
export const MAX_DEPTH = 64;

/** Why a well-formed JSON text was refused; used as a detail's `code`. */
export type JsonRefusalCode = 'duplicate_key' | 'inexact_number' | 'too_deep' | 'nul_character' | 'lone_surrogate';

/** Where a problem is: object keys and array indexes from the top of the body. */
export type JsonPath = (string | number)[];

/** The text is JSON, but JSON that Tocsin does not store (see the module comment). */
export class JsonRefusal extends Error {
  override readonly name = 'JsonRefusal';
  constructor(
    readonly code: JsonRefusalCode,
    readonly path: JsonPath,
    message: string,
  ) {
    super(message);
  }
}

/** The text is not JSON. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    /** Offset in the body (bytes) where reading stopped. */
    readonly position: number,
    message: string,
  ) {
    super(`${message} at position ${position}`);
  }
}

/** The body is not UTF-8. */
export class JsonEncodingError extends Error {
  override readonly name = 'JsonEncodingError';
  constructor() {
    super('is not valid UTF-8');
  }
}

const OBJECT = 0;
const ARRAY = 1;
/** Objects with more keys than this are checked for duplicates with a Set, smaller ones with a scan. */
const SMALL_OBJECT = 12;
/** A number written with this few digits and no exponent is always exact in a double (DBL_DIG is 15). */
const ALWAYS_EXACT_DIGITS = 15;

/** RFC 8259 §8.1: JSON exchanged between systems is UTF-8. `fatal`: a bad byte is an error, not U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });


const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));

function skipWhitespace(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

function hex4(b: Uint8Array, i: number): number {
  let unit = 0;
  for (let k = i; k < i + 4; k++) {
    const c = b[k];
    if (!isHex(c)) throw new JsonSyntaxError(k, 'invalid \\u escape');
    unit = unit * 16 + (c! <= 0x39 ? c! - 0x30 : (c! | 0x20) - 0x57);
  }
  return unit;
}

/** Set by `scanString`: whether the string just scanned had an escape, and what it holds that cannot be stored. */
let hadEscape = false;
let stringProblem: 'nul_character' | 'lone_surrogate' | undefined;

/**
 * Scans the string opening at `i`; returns the offset after its closing quote. The bytes are
 * valid UTF-8 (checked before the scan), so only escapes can make an unpaired surrogate.
 */
function scanString(b: Uint8Array, i: number): number {
  hadEscape = false;
  stringProblem = undefined;
  i++;
  for (;;) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === undefined) throw new JsonSyntaxError(i, 'unterminated string');
    if (c === 0x5c) {
      hadEscape = true;
      const e = b[i + 1];
      if (e === 0x75) {
        const unit = hex4(b, i + 2);
        i += 6;
        if (unit === 0) stringProblem ??= 'nul_character';
        else if (unit >= 0xdc00 && unit <= 0xdfff) stringProblem ??= 'lone_surrogate';
        else if (unit >= 0xd800 && unit <= 0xdbff) {
          // A high surrogate must be followed at once by an escaped low one (which is then consumed).
          if (b[i] === 0x5c && b[i + 1] === 0x75) {
            const low = hex4(b, i + 2);
            if (low >= 0xdc00 && low <= 0xdfff) i += 6;
            else stringProblem ??= 'lone_surrogate';
          } else stringProblem ??= 'lone_surrogate';
        }
        continue;
      }
      // " \ / b f n r t
      if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
        continue;
      }
      throw new JsonSyntaxError(i, 'invalid escape');
    }
    if (c < 0x20) throw new JsonSyntaxError(i, 'unescaped control character in a string');
    i++;
  }
}

/** `-0`, `1.50`, `15e-1` → a canonical form of the decimal value, so equal values compare equal. */
function decimalKey(literal: string): string {
  let digits = '';
  let exponent = 0;
  let fraction = false;
  let i = literal.charCodeAt(0) === 0x2d ? 1 : 0;
  for (; i < literal.length; i++) {
    const ch = literal[i]!;
    if (ch === '.') fraction = true;
    else if (ch === 'e' || ch === 'E') {
      exponent += Number(literal.slice(i + 1));
      break;
    } else {
      digits += ch;
      if (fraction) exponent--;
    }
  }
  let start = 0;
  while (start < digits.length && digits[start] === '0') start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === '0') {
    end--;
    exponent++;
  }
  if (start === end) return '0';
  return `${literal[0] === '-' ? '-' : ''}${digits.slice(start, end)}e${exponent}`;
}

/** Whether a JSON number literal means exactly the double JSON.parse makes of it. */
export function isExactNumber(literal: string): boolean {
  const value = Number(literal);
  return Number.isFinite(value) && decimalKey(literal) === decimalKey(String(value));
}

const ascii = (b: Buffer, start: number, end: number) => b.toString('latin1', start, end);
const text = (b: Buffer, start: number, end: number) => b.toString('utf8', start, end);

/** Scans the number starting at `i`; returns the offset after it, negated when it is not exact. */
function scanNumber(b: Buffer, i: number): number {
  const start = i;
  let exponent = false;
  if (b[i] === 0x2d) i++;
  const first = b[i];
  if (first === 0x30) i++;
  else if (first !== undefined && first >= 0x31 && first <= 0x39) while (isDigit(b[i])) i++;
  else throw new JsonSyntaxError(i, 'invalid number');
  let digits = i - start;
  if (b[i] === 0x2e) {
    i++;
    if (!isDigit(b[i])) throw new JsonSyntaxError(i, 'invalid number');
    while (isDigit(b[i])) i++;
    digits = i - start - 1;
  }
  const e = b[i];
  if (e === 0x65 || e === 0x45) {
    exponent = true;
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) throw new JsonSyntaxError(i, 'invalid number');
    while (isDigit(b[i])) i++;
  }
  // Without an exponent, 15 digits or fewer (sign and leading zeros counted: an overestimate)
  // always round-trip: a double holds any 15 significant digits in this range.
  if (!exponent && digits <= ALWAYS_EXACT_DIGITS) return i;
  return isExactNumber(ascii(b, start, i)) ? i : -i;
}

function scanLiteral(b: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) throw new JsonSyntaxError(i + k, 'unexpected character');
  return i + word.length;
}

/** A key as a path segment: its JSON form without the quotes, so `\u0000` stays visible. */
const keySegment = (key: string) => JSON.stringify(key).slice(1, -1);

/** The end of the key string opening at `at`, already known to be well-formed. */
function keyEnd(b: Buffer, at: number): number {
  let i = at + 1;
  for (;;) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === undefined) throw new JsonSyntaxError(i, 'unterminated string');
    i += c === 0x5c ? 2 : 1;
  }
}

/** The key whose string opens at `at`, decoded. */
const keyAt = (b: Buffer, at: number): string => JSON.parse(text(b, at, keyEnd(b, at))) as string;

/** Whether two byte ranges hold the same bytes (for keys without escapes: the same string, as UTF-8 is one-to-one). */
function sameBytes(b: Buffer, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let k = 0; k < e1 - s1; k++) if (b[s1 + k] !== b[s2 + k]) return false;
  return true;
}

const STRING_MESSAGES = {
  nul_character: 'contains a NUL character (\\u0000), which cannot be stored',
  lone_surrogate: 'contains an unpaired UTF-16 surrogate (e.g. \\ud800 alone), which is not a character',
} as const;

/**
 * Checks that `bytes`, which must already be known to be valid UTF-8, are one JSON value within
 * the rules above. A leading byte order mark is skipped, as TextDecoder drops it. A text that is
 * not JSON is a syntax error even when a refusal comes first: the first refusal is kept and thrown
 * once the whole text has been read (except nesting too deep, which stops the scan).
 *
 * Keys are compared as bytes while an object is small and has no escaped key (no string is made
 * for them: making one per key doubled the scan's time); a larger object, or one with an escaped
 * key, keeps its decoded keys in a Set. Paths are decoded only for an error.
 *
 * @throws JsonSyntaxError when it is not JSON; JsonRefusal when it is JSON that is not accepted.
 */
export function checkStrictJson(bytes: Uint8Array, maxDepth: number = MAX_DEPTH): void {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = b.length;
  // One entry per open container: its kind; for an object the offset of the current key's quote,
  // for an array the current index; and for an object the keys seen so far, as [start, end)
  // pairs of their strings or as a Set of decoded keys (the arrays are reused at each depth).
  const kinds: number[] = [];
  const segments: number[] = [];
  const keys: (number[] | Set<string>)[] = [];
  /** How many numbers of each depth's key array belong to the object open there (the rest are stale). */
  const used: number[] = [];
  /** The first refusal, thrown once the text is known to be JSON. */
  let refused: JsonRefusal | undefined;
  const refuse = (code: JsonRefusalCode, path: () => JsonPath, message: string) => {
    refused ??= new JsonRefusal(code, path(), message);
  };
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;

  /** The path of the first `levels` open containers' current members. */
  const pathOf = (levels: number): JsonPath => {
    const path: JsonPath = [];
    for (let d = 0; d < levels; d++) path.push(kinds[d] === OBJECT ? keyAt(b, segments[d]!) : segments[d]!);
    return path;
  };

  /** Reads `"key":` at `at` into the innermost object; returns the offset of its value. */
  const readKey = (at: number): number => {
    at = skipWhitespace(b, at);
    if (b[at] !== 0x22) throw new JsonSyntaxError(at, 'expected a key');
    const end = scanString(b, at);
    const top = kinds.length - 1;
    segments[top] = at;
    if (stringProblem) {
      const code = stringProblem;
      // The key itself is the problem: name it (escaped) under its object.
      refuse(code, () => [...pathOf(top), keySegment(keyAt(b, at))], `is a key that ${STRING_MESSAGES[code]}`);
    }
    let seen = keys[top]!;
    const count = used[top]!;
    if (Array.isArray(seen) && (hadEscape || count >= 2 * SMALL_OBJECT)) {
      const decoded = new Set<string>();
      for (let k = 0; k < count; k += 2) decoded.add(text(b, seen[k]! + 1, seen[k + 1]! - 1));
      seen = keys[top] = decoded;
    }
    let duplicate = false;
    if (Array.isArray(seen)) {
      for (let k = 0; k < count && !duplicate; k += 2) duplicate = sameBytes(b, seen[k]!, seen[k + 1]!, at, end);
      seen[count] = at;
      seen[count + 1] = end;
      used[top] = count + 2;
    } else {
      const key = hadEscape ? keyAt(b, at) : text(b, at + 1, end - 1);
      duplicate = seen.has(key);
      seen.add(key);
    }
    if (duplicate) refuse('duplicate_key', () => [...pathOf(top), keySegment(keyAt(b, at))], 'is a duplicate key: each key may appear once in an object');
    at = skipWhitespace(b, end);
    if (b[at] !== 0x3a) throw new JsonSyntaxError(at, 'expected ":"');
    return at + 1;
  };

  const open = (kind: number) => {
    const depth = kinds.length;
    kinds.push(kind);
    segments.push(0);
    if (kind === OBJECT) {
      used[depth] = 0;
      if (!Array.isArray(keys[depth])) keys[depth] = [];
    }
  };

  for (;;) {
    // A value starts at i.
    i = skipWhitespace(b, i);
    const c = b[i];
    if (c === 0x7b || c === 0x5b) {
      // Refused at once, unlike the other rules: reading on would cost time for nothing.
      if (kinds.length === maxDepth) throw refused ?? new JsonRefusal('too_deep', pathOf(kinds.length), `nests deeper than ${maxDepth} levels`);
      const next = skipWhitespace(b, i + 1);
      if (b[next] === (c === 0x7b ? 0x7d : 0x5d)) {
        i = next + 1;
      } else if (c === 0x7b) {
        open(OBJECT);
        i = readKey(next);
        continue;
      } else {
        open(ARRAY);
        i = next;
        continue;
      }
    } else if (c === 0x22) {
      i = scanString(b, i);
      if (stringProblem) {
        const code = stringProblem;
        refuse(code, () => pathOf(kinds.length), STRING_MESSAGES[code]);
      }
    } else if (c === 0x2d || isDigit(c)) {
      const end = scanNumber(b, i);
      if (end < 0) {
        refuse('inexact_number', () => pathOf(kinds.length), 'is a number that would not be kept exactly (it does not fit a 64-bit float); send it as a string');
      }
      i = Math.abs(end);
    } else if (c === 0x74) i = scanLiteral(b, i, 'true');
    else if (c === 0x66) i = scanLiteral(b, i, 'false');
    else if (c === 0x6e) i = scanLiteral(b, i, 'null');
    else throw new JsonSyntaxError(i, i >= n ? 'unexpected end of the body' : 'unexpected character');

    // A value ended at i: close containers until one has another member.
    for (;;) {
      i = skipWhitespace(b, i);
      const top = kinds.length - 1;
      if (top < 0) {
        if (i < n) throw new JsonSyntaxError(i, 'unexpected text after the JSON value');
        if (refused) throw refused;
        return;
      }
      const d = b[i];
      if (d === 0x2c) {
        if (kinds[top] === OBJECT) i = readKey(i + 1);
        else {
          segments[top]!++;
          i++;
        }
        break;
      }
      if (d === (kinds[top] === OBJECT ? 0x7d : 0x5d)) {
        kinds.pop();
        segments.pop();
        i++;
        continue;
      }
      throw new JsonSyntaxError(i, i >= n ? 'unexpected end of the body' : kinds[top] === OBJECT ? 'expected "," or "}"' : 'expected "," or "]"');
    }
  }
}

/**
 * Parses a JSON body (UTF-8 bytes) under the rules above. Objects are ordinary objects whose
 * every key, even `__proto__`, is an own data property.
 *
 * @throws JsonEncodingError when it is not UTF-8; JsonSyntaxError when it is not JSON;
 *   JsonRefusal when it is JSON that is not accepted.
 */
export function parseStrictJson(bytes: Uint8Array, maxDepth: number = MAX_DEPTH): unknown {
  let decoded: string;
  try {
    decoded = utf8.decode(bytes); // drops a leading byte order mark
  } catch {
    throw new JsonEncodingError();
  }
  checkStrictJson(bytes, maxDepth);
  return JSON.parse(decoded);
}
