/**
 * A counting semaphore: at most `size` holders at once, the rest wait in arrival order. Batch
 * jobs take one permit per delivery they hold in memory, so a few jobs of a thousand deliveries
 * cannot load more events than the worker means to hold.
 */
export class Permits {
  #free: number;
  readonly #waiting: (() => void)[] = [];

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
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
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
