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
 * other tenants' deliveries 4–5×). A backlog far larger than the sink's few slots still came back
 * all at once, every timeout, to be fetched and put off again (a thousand jobs each 2–3 s: the
 * bursts that still doubled the other tenant's p99). So the put-off jobs of one sink come back in
 * turn, as fast as its slots free (one send's time over the bound apart), and each further time
 * the same job is put off its wait doubles; neither goes beyond {@link MAX_PUT_OFF_MS}. The price
 * is that a sink which recovers gets its backlog back at most that long later.
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
  /** How long each sink's last finished send took (at most MAX_REMEMBERED sinks). */
  readonly #lastMs = new Map<string, number>();
  /** When the last job put off for each sink comes back, in their turn (at most MAX_REMEMBERED sinks). */
  readonly #turns = new Map<string, number>();
  /** Jobs waiting for a slot of a fast sink, first come first served. */
  readonly #waiting = new Map<string, ((slot: Slot) => void)[]>();

  constructor(
    private readonly limitOf: (channelId: string) => number,
    private readonly maxWaitOf: (channelId: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes a slot for a send to `sinkId` (release it when the send is done), at once or after a
   * short wait for a fast sink; or says how long to put the job off, which grows with the times
   * this job was put off before (`timesPutOff`).
   */
  async take(channelId: string, sinkId: string, timesPutOff = 0): Promise<Slot | { retryInMs: number }> {
    const starts = this.#inFlight.get(sinkId) ?? [];
    const limit = this.limitOf(channelId);
    if (starts.length < limit) return this.#occupy(sinkId, starts);
    const age = this.now() - starts[0]!;
    const maxWait = this.maxWaitOf(channelId);
    const waiters = this.#waiting.get(sinkId) ?? [];
    const putOff = (waitMs: number) => {
      // Its turn: after the jobs put off before it, as fast as the sink's slots free.
      const now = this.now();
      const age = now - (starts[0] ?? now);
      const sendMs = Math.min(maxWait, Math.max(age, this.#lastMs.get(sinkId) ?? 0));
      const turn = Math.min(now + MAX_PUT_OFF_MS, Math.max(now, this.#turns.get(sinkId) ?? now) + sendMs / limit);
      this.#remember(this.#turns, sinkId, turn);
      const grown = Math.min(MAX_PUT_OFF_MS, waitMs * 2 ** Math.min(timesPutOff, 16));
      return { retryInMs: Math.round(Math.max(grown, turn - now)) };
    };
    const fast = (this.#lastMs.get(sinkId) ?? Infinity) < MIN_WAIT_MS;
    if (age >= MIN_WAIT_MS || !fast) return putOff(Math.min(maxWait, Math.max(MIN_WAIT_MS, age)));
    return new Promise((resolve) => {
      const handOver = (slot: Slot) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(handOver), 1);
        if (waiters.length === 0) this.#waiting.delete(sinkId);
        resolve(putOff(MIN_WAIT_MS));
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
        this.#remember(this.#lastMs, sinkId, this.now() - startedAt);
        const next = this.#waiting.get(sinkId)?.shift();
        if (this.#waiting.get(sinkId)?.length === 0) this.#waiting.delete(sinkId);
        if (next) next(this.#occupy(sinkId, starts));
        else if (starts.length === 0) this.#inFlight.delete(sinkId);
      },
    };
  }

  #remember(memory: Map<string, number>, sinkId: string, value: number): void {
    if (memory.size >= MAX_REMEMBERED && !memory.has(sinkId)) memory.clear();
    memory.set(sinkId, value);
  }
}

export interface Slot {
  release: () => void;
}

/** The shortest wait of a job whose sink is at its bound, and the longest a job waits here for a fast one. */
export const MIN_WAIT_MS = 250;

/** The longest a job is put off for its sink's slots, however often it was put off before. */
export const MAX_PUT_OFF_MS = 30_000;

/** Sinks whose pace one process remembers; past that it starts over (a sink then proves itself fast again). */
const MAX_REMEMBERED = 10_000;

/** The default bound: a quarter of the channel's concurrency, so three other sinks always find room. */
export const defaultSinkConcurrency = (channelConcurrency: number) => Math.max(1, Math.floor(channelConcurrency / 4));
