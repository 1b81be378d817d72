import { toHeaderValue } from './header-value.js';
import { decodeUtf8Prefix, truncateChars, truncateUtf8, utf8Length } from './truncate.js';

describe('truncateUtf8', () => {
  test.each([
    ['hello', 10, 'hello'],
    ['hello', 5, 'hello'],
    ['hello', 3, 'hel'],
    ['hello', 0, ''],
    ['héllo', 2, 'h'], // é is 2 bytes: cut inside it drops it
    ['héllo', 3, 'hé'],
    ['€€€', 7, '€€'], // 3-byte characters
    ['€€€', 9, '€€€'],
    ['a😀b', 4, 'a'], // 4-byte character (a surrogate pair in UTF-16)
    ['a😀b', 5, 'a😀'],
  ])('%j to %i bytes → %j', (text, max, expected) => {
    const out = truncateUtf8(text, max);
    expect(out).toBe(expected);
    expect(utf8Length(out)).toBeLessThanOrEqual(max);
    expect(out).not.toContain('\uFFFD');
  });

  test('a long string is cut to the byte limit exactly when characters allow it', () => {
    expect(utf8Length(truncateUtf8('x'.repeat(10_000), 4_096))).toBe(4_096);
  });
});

describe('decodeUtf8Prefix', () => {
  test('drops a character that a capped read split at the end', () => {
    const bytes = Buffer.from('ab€', 'utf8').subarray(0, 4); // 'ab' + 2 of the 3 bytes of €
    expect(decodeUtf8Prefix(bytes)).toBe('ab');
    expect(decodeUtf8Prefix(Buffer.from('ab€', 'utf8'))).toBe('ab€');
    expect(decodeUtf8Prefix(Buffer.from('ab€', 'utf8'), 3)).toBe('ab');
  });
});

describe('toHeaderValue', () => {
  test.each(['credential.exposure.detected', 'SSO_LOGIN_FAILED', 'a-b_c:d/e'])('leaves %j unchanged', (text) => {
    expect(toHeaderValue(text)).toBe(text);
  });

  test.each(['a\r\nX-Injected: 1', 'with space', 'ünïcode', '100%', 'tab\there', 'nul\u0000'])('encodes %j reversibly, with only visible ASCII', (text) => {
    const value = toHeaderValue(text);
    expect(value).toMatch(/^[\x21-\x7e]*$/);
    expect(decodeURIComponent(value)).toBe(text);
  });
});

describe('truncateChars', () => {
  const emoji = '\u{1F512}'; // two UTF-16 units

  test('counts UTF-16 units, ends a cut with the marker, and never ends inside a pair', () => {
    expect(truncateChars('abcdef', 4)).toBe('abc…');
    expect(truncateChars('abc', 3)).toBe('abc');
    expect(truncateChars(`ab${emoji}`, 3, '')).toBe('ab');
    expect(truncateChars(`a${emoji}cd`, 4)).toBe(`a${emoji}…`);
    expect(truncateChars(`a${emoji}cd`, 3)).toBe('a…');
  });

  test('a marker that does not fit is left off', () => {
    expect(truncateChars('abcdef', 2, '[cut]')).toBe('ab');
  });
});
