/**
 * How many sends to one sink this process has in flight, bounded per channel, so that one sink
 * cannot take every slot of its channel's queue. A receiver that hangs holds each send until the
 * HTTP timeout: without a bound, a tenant's hanging endpoint filled all of a worker's slots and
 * every other tenant's deliveries of that kind waited behind it (the chaos suite measured the
 * other tenant's p99 at 500× its run alone). A job that finds its sink at the bound is put off,
 * not claimed: waiting costs no attempt, and its slot goes to another sink's job.
 */
export class SinkSlots {
  readonly #inFlight = new Map<string, number>();

  constructor(private readonly limitOf: (channelId: string) => number) {}

  /** Takes a slot for a send to `sinkId`, or answers false when the sink is at its channel's bound. */
  tryTake(channelId: string, sinkId: string): boolean {
    const held = this.#inFlight.get(sinkId) ?? 0;
    if (held >= this.limitOf(channelId)) return false;
    this.#inFlight.set(sinkId, held + 1);
    return true;
  }

  release(sinkId: string): void {
    const held = this.#inFlight.get(sinkId) ?? 0;
    if (held <= 1) this.#inFlight.delete(sinkId);
    else this.#inFlight.set(sinkId, held - 1);
  }
}

/** The default bound: a quarter of the channel's concurrency, so three other sinks always find room. */
export const defaultSinkConcurrency = (channelConcurrency: number) => Math.max(1, Math.floor(channelConcurrency / 4));
