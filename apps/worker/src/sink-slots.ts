/**
 * How many sends to one sink this process has in flight, bounded per channel, so that one sink
 * cannot take every slot of its channel's queue. A receiver that hangs holds each send until the
 * HTTP timeout: without a bound, a tenant's hanging endpoint filled all of a worker's slots and
 * every other tenant's deliveries of that kind waited behind it (the chaos suite measured the
 * other tenant's p99 at 500× its run alone). A job that finds its sink at the bound is put off,
 * not claimed: waiting costs no attempt, and its slot goes to another sink's job.
 *
 * How long it is put off follows the sink's own pace: the age of its oldest send in flight,
 * between {@link MIN_WAIT_MS} and the channel's HTTP timeout. A fast sink that is merely busy is
 * looked at again soon; a hanging one, whose slots free only as its sends time out, is not
 * fetched and put off again and again meanwhile (with 1,000 such jobs that churn alone slowed the
 * other tenants' deliveries 4–5×).
 */
export class SinkSlots {
  /** Start times of each sink's sends in flight, oldest first. */
  readonly #inFlight = new Map<string, number[]>();

  constructor(
    private readonly limitOf: (channelId: string) => number,
    private readonly maxWaitOf: (channelId: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for a send to `sinkId` (release it when the send is done), or says how long to wait. */
  take(channelId: string, sinkId: string): { release: () => void } | { retryInMs: number } {
    const starts = this.#inFlight.get(sinkId) ?? [];
    const now = this.now();
    if (starts.length >= this.limitOf(channelId)) {
      return { retryInMs: Math.min(this.maxWaitOf(channelId), Math.max(MIN_WAIT_MS, now - starts[0]!)) };
    }
    starts.push(now);
    this.#inFlight.set(sinkId, starts);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        starts.splice(starts.indexOf(now), 1);
        if (starts.length === 0) this.#inFlight.delete(sinkId);
      },
    };
  }
}

/** The shortest wait of a job whose sink is at its bound. */
export const MIN_WAIT_MS = 250;

/** The default bound: a quarter of the channel's concurrency, so three other sinks always find room. */
export const defaultSinkConcurrency = (channelConcurrency: number) => Math.max(1, Math.floor(channelConcurrency / 4));
