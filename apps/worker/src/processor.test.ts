import type { Outcome } from '@tocsin/channels';
import { decide } from './processor.js';

const deps = { maxAttempts: 3, retryBaseMs: 1_000, relayGraceMs: 0 };
const retryable: Outcome = { kind: 'retryable', reason: 'server_error', message: 'HTTP 500', status: 500 };

describe('decide: automatic retries count from the last manual re-send', () => {
  test('without a manual re-send, the third attempt of three is final', () => {
    expect(decide(retryable, { attempt: 2, attemptsAtRetry: 0 }, deps).next.state).toBe('retrying');
    expect(decide(retryable, { attempt: 3, attemptsAtRetry: 0 }, deps).next.state).toBe('failed');
  });

  test('after a re-send at attempt 3, attempts 4 and 5 retry and 6 is final', () => {
    const states = [4, 5, 6].map((attempt) => decide(retryable, { attempt, attemptsAtRetry: 3 }, deps).next.state);
    expect(states).toEqual(['retrying', 'retrying', 'failed']);
  });

  test('the backoff starts again from its first step', () => {
    const first = decide(retryable, { attempt: 4, attemptsAtRetry: 3 }, deps).decision;
    // base × 4^0 ± 20% jitter, not base × 4^3
    expect(first.kind).toBe('retry');
    expect(first.kind === 'retry' && first.delayMs).toBeLessThanOrEqual(1_200);
  });

  test('a permanent failure is final whatever the count, a success is delivered', () => {
    expect(decide({ kind: 'permanent', reason: 'client_error', message: 'HTTP 400' }, { attempt: 4, attemptsAtRetry: 3 }, deps).next.state).toBe('failed');
    expect(decide({ kind: 'delivered', status: 200 }, { attempt: 9, attemptsAtRetry: 3 }, deps).next.state).toBe('delivered');
  });
});
