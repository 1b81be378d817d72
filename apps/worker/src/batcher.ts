import type { BatchLimits, DeliveryItem, Outcome } from '@tocsin/channels';
import { serializeEventRecord, utf8Length } from '@tocsin/channels';

type Flush<S> = (sink: S, items: DeliveryItem[]) => Promise<Outcome[]>;

interface Pending<S> {
  sink: S;
  items: DeliveryItem[];
  waiters: { resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }[];
  bytes: number;
  timer: NodeJS.Timeout;
}

/**
 * Groups the ready deliveries of one sink into batches within a channel's limits. The first
 * delivery of a batch waits at most `maxWaitMs` for others (BullMQ runs a queue's jobs
 * concurrently, so the jobs that are ready together meet here); a batch that reaches
 * `maxEvents` or `maxBytes` goes at once. Each delivery's promise settles with its own outcome.
 */
export class Batcher<S extends { sinkId: string }> {
  readonly #pending = new Map<string, Pending<S>>();

  constructor(
    private readonly limits: BatchLimits,
    private readonly flush: Flush<S>,
  ) {}

  add(sink: S, item: DeliveryItem): Promise<Outcome> {
    const size = utf8Length(serializeEventRecord(item.event));
    let batch = this.#pending.get(sink.sinkId);
    // An item that would push the batch over its byte limit starts the next one.
    if (batch && batch.bytes + size > this.limits.maxBytes) this.#send(sink.sinkId);
    batch = this.#pending.get(sink.sinkId);
    if (!batch) {
      batch = { sink, items: [], waiters: [], bytes: 0, timer: setTimeout(() => this.#send(sink.sinkId), this.limits.maxWaitMs) };
      this.#pending.set(sink.sinkId, batch);
    }
    // The newest sink version wins: an edit made while the batch filled applies to all of it.
    batch.sink = sink;
    batch.items.push(item);
    batch.bytes += size;
    const settled = new Promise<Outcome>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.items.length >= this.limits.maxEvents || batch.bytes >= this.limits.maxBytes) this.#send(sink.sinkId);
    return settled;
  }

  #send(sinkId: string): void {
    const batch = this.#pending.get(sinkId);
    if (!batch) return;
    this.#pending.delete(sinkId);
    clearTimeout(batch.timer);
    this.flush(batch.sink, batch.items).then(
      (outcomes) => batch.waiters.forEach((w, i) => w.resolve(outcomes[i]!)),
      (error: unknown) => batch.waiters.forEach((w) => w.reject(error)),
    );
  }

  /** Sends whatever is waiting now (shutdown). */
  flushAll(): void {
    for (const sinkId of [...this.#pending.keys()]) this.#send(sinkId);
  }
}
