import { SEVERITIES, type Severity } from '@tocsin/catalog';
import type { Config } from '@tocsin/config';

/**
 * How one delivery is retried, by its event's severity: a critical one sooner and for longer
 * than a low one. Fixed on the delivery at the first attempt of a round (delivery.retry_policy),
 * so the API shows what the worker applies and a deploy with other settings does not change the
 * deliveries already under way.
 */
export interface RetryPolicy {
  severity: Severity;
  /** Delay before the first retry; each next one is 4× longer (backoff.ts). */
  first_delay_ms: number;
  /** Attempts that count, per round (a manual re-send or a resume starts a new one). */
  max_attempts: number;
  /** How long after the round's first attempt retries may still be made. */
  window_ms: number;
  /** 429 / 503 with Retry-After that delay the delivery without counting, per round. */
  max_deferrals: number;
}

export type RetryPolicies = Record<Severity, RetryPolicy>;

const UPPER = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const satisfies Record<Severity, string>;

/** The policies the configuration defines (docs/architecture.md, "Retry policy per severity"). */
export function retryPoliciesOf(config: Config): RetryPolicies {
  const of = (severity: Severity): RetryPolicy => ({
    severity,
    first_delay_ms: config.TOCSIN_RETRY_BASE_MS ?? config[`TOCSIN_RETRY_${UPPER[severity]}_FIRST_DELAY_MS`],
    max_attempts: config.TOCSIN_RETRY_MAX_ATTEMPTS,
    window_ms: config[`TOCSIN_RETRY_${UPPER[severity]}_WINDOW_MS`],
    max_deferrals: config.TOCSIN_RETRY_MAX_DEFERRALS,
  });
  return Object.fromEntries(SEVERITIES.map((s) => [s, of(s)])) as RetryPolicies;
}
