export interface GroupCommitOptions {
  /** Transactions in flight at once; also how many items are retried alone at once. @defaultValue 4 */
  lanes?: number;
  /** Most items in one transaction. @defaultValue 500 */
  maxBatch?: number;
  /**
   * Whether a failed transaction's error is nobody's fault in particular (the database is down, or
   * too slow to commit in time): every item of the batch is rejected with it at once, since
   * retrying each alone would only load a database that cannot take it. @defaultValue never
   */
  sharedFailure?: (err: unknown) => boolean;
}

/**
 * A flush's answer for an item that failed while the rest of its batch was kept: the flush
 * isolated it (e.g. behind a savepoint) and committed the others. `alone` says whether the item
 * failed on its own; if it failed in company (with items the flush cannot tell apart, such as one
 * tenant's submissions written by one statement), it may be innocent and is retried alone once.
 */
export class ItemFailure {
  constructor(
    readonly reason: unknown,
    readonly alone: boolean,
  ) {}
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
 * One bad item must not cost its neighbours more than one extra transaction, whoever sends it
 * and however often:
 * - a flush that can isolate failing items answers {@link ItemFailure} for them and commits the
 *   rest: the neighbours pay nothing;
 * - an item that failed in company is retried alone, once;
 * - if the whole transaction fails, each item is retried alone, once, `lanes` at a time (not one
 *   after another: a batch of 64 replayed serially held its lane for 64 commits); an item that
 *   fails alone is rejected with its own error. Bisection would find a culprit in fewer
 *   transactions, but an innocent item in the culprit's half would pay one per halving.
 */
export class GroupCommit<I, O> {
  readonly #queue: Waiter<I, O>[] = [];
  #active = 0;
  readonly #lanes: number;
  readonly #maxBatch: number;
  readonly #sharedFailure: (err: unknown) => boolean;

  constructor(
    private readonly flush: (items: I[]) => Promise<(O | ItemFailure)[]>,
    options: GroupCommitOptions = {},
  ) {
    this.#lanes = options.lanes ?? 4;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#sharedFailure = options.sharedFailure ?? (() => false);
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
    let results: (O | ItemFailure)[];
    try {
      results = await this.flush(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1 || this.#sharedFailure(err)) batch.forEach((w) => w.reject(err));
      else await this.#alone(batch);
      return;
    }
    const again: Waiter<I, O>[] = [];
    batch.forEach((w, i) => {
      const result = results[i] as O | ItemFailure;
      if (!(result instanceof ItemFailure)) w.resolve(result);
      else if (result.alone || batch.length === 1) w.reject(result.reason);
      else again.push(w);
    });
    if (again.length > 0) await this.#alone(again);
  }

  /** Retries each item in its own transaction, once, at most `lanes` at a time. */
  async #alone(waiters: Waiter<I, O>[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < waiters.length) {
        const w = waiters[next++]!;
        try {
          const [result] = await this.flush([w.item]);
          if (result instanceof ItemFailure) w.reject(result.reason);
          else w.resolve(result as O);
        } catch (err) {
          w.reject(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#lanes, waiters.length) }, lane));
  }
}
