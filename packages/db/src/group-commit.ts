export interface GroupCommitOptions {
  /** Transactions in flight at once. @defaultValue 4 */
  lanes?: number;
  /** Most items in one transaction. @defaultValue 500 */
  maxBatch?: number;
}

interface Waiter<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit: concurrent callers share one transaction instead of paying one each. A caller's
 * promise settles only after the transaction that holds its item has committed (or failed), so
 * "answered after commit" still holds per caller. There is no timer: while `lanes` transactions
 * are in flight, new items wait and go together into the next one, so an idle system adds no
 * latency and a busy one batches more.
 *
 * If a shared transaction fails, its items are retried one per transaction, so one bad item
 * cannot fail its neighbours; only the item that fails alone is rejected.
 */
export class GroupCommit<I, O> {
  readonly #queue: Waiter<I, O>[] = [];
  #active = 0;
  readonly #lanes: number;
  readonly #maxBatch: number;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    options: GroupCommitOptions = {},
  ) {
    this.#lanes = options.lanes ?? 4;
    this.#maxBatch = options.maxBatch ?? 500;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#active < this.#lanes) void this.#lane();
    });
  }

  async #lane(): Promise<void> {
    this.#active += 1;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#run(batch);
      }
    } finally {
      this.#active -= 1;
    }
  }

  async #run(batch: Waiter<I, O>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i] as O));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const w of batch) await this.#run([w]);
    }
  }
}
