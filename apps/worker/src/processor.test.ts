import type { Outcome } from '@tocsin/channels';
import { loadConfig } from '@tocsin/config';
import { decide } from './processor.js';
import { retryPoliciesOf, type RetryPolicy } from './retry-policy.js';

const NOW = Date.parse('2026-12-05T10:00:00Z');
const HOUR = 3_600_000;
const policy: RetryPolicy = { severity: 'high', first_delay_ms: 1_000, max_attempts: 3, window_ms: 24 * HOUR, max_deferrals: 2 };
const deps = { relayGraceMs: 0 };
const retryable: Outcome = { kind: 'retryable', reason: 'server_error', message: 'HTTP 500', status: 500 };
const throttled = (retryAfterMs: number, status = 429): Outcome => ({ kind: 'retryable', reason: status === 429 ? 'rate_limited' : 'server_error', message: `HTTP ${status}`, status, retryAfterMs });

/** A claim of attempt `attempt`, with the round's window ending `untilMs` from now. */
const claim = (attempt: number, { attemptsAtRetry = 0, deferrals = 0, untilMs = 24 * HOUR } = {}) => ({
  attempt,
  attemptsAtRetry,
  retry: { policy, until: new Date(NOW + untilMs), deferrals },
});
const stateOf = (outcome: Outcome, c: ReturnType<typeof claim>) => decide(outcome, c, deps, NOW).next.state;

describe('decide: automatic retries count from the last manual re-send', () => {
  test('without a manual re-send, the third attempt of three is final', () => {
    expect(stateOf(retryable, claim(2))).toBe('retrying');
    expect(stateOf(retryable, claim(3))).toBe('failed');
  });

  test('after a re-send at attempt 3, attempts 4 and 5 retry and 6 is final', () => {
    expect([4, 5, 6].map((attempt) => stateOf(retryable, claim(attempt, { attemptsAtRetry: 3 })))).toEqual(['retrying', 'retrying', 'failed']);
  });

  test('the backoff starts again from its first step', () => {
    const first = decide(retryable, claim(4, { attemptsAtRetry: 3 }), deps, NOW).decision;
    // first delay × 4^0 ± 20% jitter, not × 4^3
    expect(first.kind).toBe('retry');
    expect(first.kind === 'retry' && first.delayMs).toBeLessThanOrEqual(1_200);
  });

  test('a permanent failure is final whatever the count, a success is delivered', () => {
    expect(stateOf({ kind: 'permanent', reason: 'client_error', message: 'HTTP 400', status: 400 }, claim(4, { attemptsAtRetry: 3 }))).toBe('failed');
    expect(stateOf({ kind: 'delivered', status: 200 }, claim(9, { attemptsAtRetry: 3 }))).toBe('delivered');
  });

  test('410 Gone holds the delivery (the sink is disabled with it); a 404 fails it', () => {
    expect(decide({ kind: 'permanent', reason: 'not_found', message: 'HTTP 410', status: 410 }, claim(1), deps, NOW)).toEqual({ decision: { kind: 'done' }, next: { state: 'held' } });
    expect(stateOf({ kind: 'permanent', reason: 'not_found', message: 'HTTP 404', status: 404 }, claim(1))).toBe('failed');
  });
});

describe('decide: Retry-After deferrals', () => {
  test('a 429 or 503 with Retry-After waits at least what it asks and does not count', () => {
    for (const outcome of [throttled(30_000), throttled(30_000, 503)]) {
      const { decision, next } = decide(outcome, claim(3), deps, NOW);
      // Attempt 3 of 3 would be final if it counted.
      expect(next).toMatchObject({ state: 'retrying', deferred: true });
      expect(decision.kind === 'retry' && decision.delayMs).toBeGreaterThanOrEqual(30_000);
      expect(decision.kind === 'retry' && decision.delayMs).toBeLessThanOrEqual(36_000);
    }
  });

  test('deferrals do not use up the budget: after two, attempt 4 of a budget of 3 still retries, 5 is final', () => {
    expect(stateOf(retryable, claim(4, { deferrals: 2 }))).toBe('retrying');
    expect(stateOf(retryable, claim(5, { deferrals: 2 }))).toBe('failed');
  });

  test('past max_deferrals a 429 counts like any failure, so a destination throttling forever ends failed', () => {
    const next = decide(throttled(1_000), claim(3, { deferrals: 2 }), deps, NOW).next;
    expect(next).toEqual({ state: 'retrying', at: expect.any(Date) }); // counted: 3 − 2 = 1 of 3
    expect(stateOf(throttled(1_000), claim(5, { deferrals: 2 }))).toBe('failed');
  });

  test('a 429 without Retry-After, and a 500 with one, count', () => {
    expect(decide({ kind: 'retryable', reason: 'rate_limited', message: 'HTTP 429', status: 429 }, claim(1), deps, NOW).next).not.toHaveProperty('deferred');
    expect(decide({ ...retryable, retryAfterMs: 5_000 }, claim(1), deps, NOW).next).not.toHaveProperty('deferred');
  });
});

describe('decide: the retry window', () => {
  test('no retry once the window has closed, whatever the budget', () => {
    expect(stateOf(retryable, claim(1, { untilMs: 0 }))).toBe('failed');
    expect(stateOf(throttled(1_000), claim(1, { untilMs: -1 }))).toBe('failed');
  });

  test('the last retry is brought forward to the window’s end', () => {
    const { decision, next } = decide(retryable, claim(2, { untilMs: 500 }), deps, NOW);
    expect(decision).toMatchObject({ kind: 'retry', delayMs: 500 });
    expect(next).toMatchObject({ state: 'retrying', at: new Date(NOW + 500) });
  });

  test('a Retry-After past the window ends the delivery rather than being cut short', () => {
    expect(stateOf({ ...retryable, retryAfterMs: 60_000 }, claim(1, { untilMs: 10_000 }))).toBe('failed');
    // A deferral that would end past the window is not deferred; counted, it fails the same way.
    expect(stateOf(throttled(60_000), claim(1, { untilMs: 10_000 }))).toBe('failed');
  });
});

describe('retry policies by severity', () => {
  const policies = retryPoliciesOf(loadConfig({}));

  test('defaults: critical is retried sooner and for longer than low', () => {
    expect(policies.critical).toEqual({ severity: 'critical', first_delay_ms: 2_000, max_attempts: 25, window_ms: 72 * HOUR, max_deferrals: 50 });
    expect(policies.low).toEqual({ severity: 'low', first_delay_ms: 30_000, max_attempts: 25, window_ms: HOUR, max_deferrals: 50 });
    expect(policies.critical.first_delay_ms).toBeLessThan(policies.high.first_delay_ms);
    expect(policies.high.window_ms).toBeGreaterThan(policies.medium.window_ms);
  });

  test('TOCSIN_RETRY_BASE_MS sets every severity’s first delay; each setting is its own variable', () => {
    const set = retryPoliciesOf(loadConfig({ TOCSIN_RETRY_BASE_MS: '100', TOCSIN_RETRY_LOW_WINDOW_MS: '5000', TOCSIN_RETRY_MAX_ATTEMPTS: '4' }));
    expect(Object.values(set).map((p) => p.first_delay_ms)).toEqual([100, 100, 100, 100]);
    expect(set.low).toMatchObject({ window_ms: 5_000, max_attempts: 4 });
    expect(set.critical.window_ms).toBe(72 * HOUR);
  });

  test('with the defaults a low delivery to a dead destination stops within its hour, a critical one keeps going for three days', () => {
    const run = (p: RetryPolicy) => {
      let at = NOW;
      const until = new Date(NOW + p.window_ms);
      for (let attempt = 1; ; attempt++) {
        const { decision } = decide(retryable, { attempt, attemptsAtRetry: 0, retry: { policy: p, until, deferrals: 0 } }, deps, at);
        if (decision.kind !== 'retry') return { attempts: attempt, lastAt: at - NOW };
        at += decision.delayMs;
      }
    };
    const low = run(policies.low);
    const critical = run(policies.critical);
    expect(low.lastAt).toBeLessThanOrEqual(HOUR);
    expect(critical.lastAt).toBeGreaterThan(48 * HOUR);
    expect(critical.lastAt).toBeLessThanOrEqual(72 * HOUR);
  });
});
