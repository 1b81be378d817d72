/**
 * Per-sink send rates, as each channel declares them (Slack about 1/s per webhook, PagerDuty
 * 120/min per key): a token bucket per sink holding one second's worth of sends, so short bursts
 * pass as the vendors allow. The bucket lives in this process: N worker processes allow up to N
 * times the rate, and the vendor's 429 with Retry-After is the backstop.
 */
export class SinkPacer {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes a send slot for `sinkId`: 0 when the send may go now, else how many ms until a slot
   * frees up (nothing is taken then). A rate of 0 means unlimited.
   */
  take(sinkId: string, ratePerSecond: number): number {
    if (ratePerSecond <= 0) return 0;
    const capacity = Math.max(1, Math.ceil(ratePerSecond));
    const now = this.now();
    const bucket = this.#buckets.get(sinkId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * ratePerSecond) / 1000);
    bucket.at = now;
    this.#buckets.set(sinkId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / ratePerSecond);
  }
}
