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
 *
 * A sink that is busy but fast (its last send finished within {@link MIN_WAIT_MS}, and its oldest
 * send in flight is younger than that) frees a slot within milliseconds: putting its jobs off cost
 * the worker more than the sends (BullMQ's delay and re-fetch of each, most of its CPU in a profile
 * of one busy sink). Such a job waits here for the next free slot instead, first come first
 * served, for at most {@link MIN_WAIT_MS}. A sink with no finished send yet, or whose last one was
 * slow (a hanging receiver's sends end at the timeout), gets no waiters: they would hold the
 * queue's slots from other tenants each time its sends time out and new ones start. The verdict
 * outlives the sink's idle spells: forgotten each time its sends were all done, it put off the
 * first burst after every pause (250 ms and more each: most of the latency bench's p99).
 */
export class SinkSlots {
  /** Start times of each sink's sends in flight, oldest first. */
  readonly #inFlight = new Map<string, number[]>();
  /** Whether each sink's last finished send was fast (at most MAX_REMEMBERED sinks). */
  readonly #fast = new Map<string, boolean>();
  /** Jobs waiting for a slot of a fast sink, first come first served. */
  readonly #waiting = new Map<string, ((slot: Slot) => void)[]>();

  constructor(
    private readonly limitOf: (channelId: string) => number,
    private readonly maxWaitOf: (channelId: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes a slot for a send to `sinkId` (release it when the send is done), at once or after a
   * short wait for a fast sink; or says how long to put the job off.
   */
  async take(channelId: string, sinkId: string): Promise<Slot | { retryInMs: number }> {
    const starts = this.#inFlight.get(sinkId) ?? [];
    const limit = this.limitOf(channelId);
    if (starts.length < limit) return this.#occupy(sinkId, starts);
    const age = this.now() - starts[0]!;
    const waiters = this.#waiting.get(sinkId) ?? [];
    const putOff = { retryInMs: Math.min(this.maxWaitOf(channelId), Math.max(MIN_WAIT_MS, age)) };
    if (age >= MIN_WAIT_MS || this.#fast.get(sinkId) !== true) return putOff;
    return new Promise((resolve) => {
      const handOver = (slot: Slot) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(handOver), 1);
        if (waiters.length === 0) this.#waiting.delete(sinkId);
        resolve({ retryInMs: MIN_WAIT_MS });
      }, MIN_WAIT_MS);
      waiters.push(handOver);
      this.#waiting.set(sinkId, waiters);
    });
  }

  #occupy(sinkId: string, starts: number[]): Slot {
    const startedAt = this.now();
    starts.push(startedAt);
    this.#inFlight.set(sinkId, starts);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        starts.splice(starts.indexOf(startedAt), 1);
        if (this.#fast.size >= MAX_REMEMBERED && !this.#fast.has(sinkId)) this.#fast.clear();
        this.#fast.set(sinkId, this.now() - startedAt < MIN_WAIT_MS);
        const next = this.#waiting.get(sinkId)?.shift();
        if (this.#waiting.get(sinkId)?.length === 0) this.#waiting.delete(sinkId);
        if (next) next(this.#occupy(sinkId, starts));
        else if (starts.length === 0) this.#inFlight.delete(sinkId);
      },
    };
  }
}

export interface Slot {
  release: () => void;
}

/** The shortest wait of a job whose sink is at its bound, and the longest a job waits here for a fast one. */
export const MIN_WAIT_MS = 250;

/** Sinks whose pace one process remembers; past that it starts over (a sink then proves itself fast again). */
const MAX_REMEMBERED = 10_000;

/** The default bound: a quarter of the channel's concurrency, so three other sinks always find room. */
export const defaultSinkConcurrency = (channelConcurrency: number) => Math.max(1, Math.floor(channelConcurrency / 4));
