import { secretScrubber } from './scrub.js';

describe('secretScrubber', () => {
  test('removes a secret as is, JSON-escaped and URL-encoded', () => {
    const secret = 'p@ss "word"/ü';
    const scrub = secretScrubber([secret]);
    const echoed = `raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent(secret)}`;
    const out = scrub(echoed);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).toBe('raw [REDACTED] json "[REDACTED]" url [REDACTED]');
  });

  test('regular-expression characters in a secret are taken literally', () => {
    expect(secretScrubber(['a.c'])('abc a.c')).toBe('abc [REDACTED]');
  });

  test('ignoreCase catches another letter case; without it, only the exact one', () => {
    expect(secretScrubber(['AbCdEf'], { ignoreCase: true })('abcdef ABCDEF')).toBe('[REDACTED] [REDACTED]');
    expect(secretScrubber(['AbCdEf'])('abcdef AbCdEf')).toBe('abcdef [REDACTED]');
  });

  test('no secrets, no change', () => {
    expect(secretScrubber(['', ''])('text')).toBe('text');
  });
});
