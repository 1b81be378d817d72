/**
 * Runs a pass now and then `intervalMs` after each pass ends (never two at once), until stopped:
 * the loop of the outbox relay and of the retention job. A failed pass is reported to `onError`
 * and the loop goes on.
 */
export class Periodic {
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs the first pass and resolves once it is done (so start-up surfaces a broken database at once). */
  async start(): Promise<void> {
    const run = () => this.pass().then(() => undefined, this.onError);
    const schedule = () => {
      if (!this.#stopped) this.#timer = setTimeout(tick, this.intervalMs);
    };
    const tick = () => {
      this.#running = run().finally(schedule);
    };
    this.#running = run();
    await this.#running;
    schedule();
  }

  /** Stops the loop; resolves once a pass in progress has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
