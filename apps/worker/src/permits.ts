/**
 * A counting semaphore: at most `size` holders at once, the rest wait in arrival order. Batch
 * jobs take one permit per delivery they hold in memory, so a few jobs of a thousand deliveries
 * cannot load more events than the worker means to hold.
 */
export class Permits {
  #free: number;
  /** Waiters in arrival order from `#head` on: a queue, since shift() copies the array (a batch job queues a thousand). */
  #waiting: (() => void)[] = [];
  #head = 0;

  constructor(size: number) {
    this.#free = size;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    if (this.#head === this.#waiting.length) {
      this.#free += 1;
      return;
    }
    const next = this.#waiting[this.#head++]!;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
  }

  /** Runs `fn` holding one permit. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
