/** Longest wait between two tries, jitter included. */
export const MAX_DELAY_MS = 6 * 60 * 60 * 1000;
const JITTER = 0.2;

/**
 * Delay before try `attempt + 1`: base × 4^(attempt−1), ±20% jitter, never over 6 h. With a 5 s
 * base a delivery is retried after 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h, then every
 * 6 h (each severity has its own base and window: retry-policy.ts). A Retry-After from the
 * destination is a floor: the next try never comes sooner than it asks, and jitter only adds to
 * it (Retry-After is clamped to an hour before it gets here, so the floor stays under the cap).
 */
export function retryDelayMs(attempt: number, baseMs: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_DELAY_MS, baseMs * 4 ** Math.max(0, attempt - 1));
  // Jitter inside the cap: at the cap the spread is all below it.
  const jittered = Math.min(MAX_DELAY_MS, exponential * (1 - JITTER + 2 * JITTER * random()));
  if (retryAfterMs === undefined) return Math.round(jittered);
  return Math.round(Math.max(retryAfterMs, jittered) + retryAfterMs * JITTER * random());
}
