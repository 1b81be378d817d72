import { MAX_DELAY_MS, retryDelayMs } from './backoff.js';

/** The random source at its middle (no jitter), its bottom and (almost) its top. */
const mid = () => 0.5;
const low = () => 0;
const high = () => 1 - Number.EPSILON;
const BASE = 5_000;

test('without jitter the schedule is base × 4^(n−1): 5 s, 20 s, 80 s, 5 min 20 s, 21 min 20 s, 85 min 20 s, 5 h 41 min', () => {
  expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, BASE, undefined, mid))).toEqual([5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000, 20_480_000]);
});

test('jitter stays within ±20% of the schedule', () => {
  for (const n of [1, 2, 3, 6]) {
    const exact = BASE * 4 ** (n - 1);
    expect(retryDelayMs(n, BASE, undefined, low)).toBe(Math.round(exact * 0.8));
    expect(retryDelayMs(n, BASE, undefined, high)).toBe(Math.round(exact * 1.2));
  }
  // A real random source: every draw within the bounds.
  for (let i = 0; i < 1_000; i++) {
    const d = retryDelayMs(3, BASE);
    expect(d).toBeGreaterThanOrEqual(80_000 * 0.8);
    expect(d).toBeLessThanOrEqual(80_000 * 1.2);
  }
});

test('the 8th try onwards waits the cap (6 h), the exponent never overflows it', () => {
  expect(MAX_DELAY_MS).toBe(6 * 60 * 60 * 1000);
  for (const n of [8, 12, 50, 10_000]) expect(retryDelayMs(n, BASE, undefined, mid)).toBe(MAX_DELAY_MS);
});

// MAX_DELAY_MS is the longest wait, jitter included: at the cap, jitter spreads delays below it.
test('no delay is longer than MAX_DELAY_MS, jitter included', () => {
  for (const n of [7, 8, 12, 50]) expect(retryDelayMs(n, BASE, undefined, high)).toBeLessThanOrEqual(MAX_DELAY_MS);
});

test('Retry-After is a floor: the delay is never shorter, and jitter only adds to it', () => {
  // Asked for more than the schedule: exactly the ask at the lowest draw, up to +20% of it above.
  expect(retryDelayMs(1, BASE, 60_000, low)).toBe(60_000);
  expect(retryDelayMs(1, BASE, 60_000, high)).toBe(72_000);
  // Asked for less than the schedule: the schedule wins.
  expect(retryDelayMs(3, BASE, 1_000, low)).toBeGreaterThanOrEqual(Math.round(80_000 * 0.8));
  for (let i = 0; i < 1_000; i++) expect(retryDelayMs(1 + (i % 8), BASE, 30_000)).toBeGreaterThanOrEqual(30_000);
});

test('an attempt number below 1 is treated as the first try', () => {
  expect(retryDelayMs(0, BASE, undefined, mid)).toBe(BASE);
  expect(retryDelayMs(-3, BASE, undefined, mid)).toBe(BASE);
});
