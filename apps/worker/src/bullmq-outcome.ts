import { DelayedError, UnrecoverableError, type Job } from 'bullmq';

/**
 * The only place where a delivery decision becomes BullMQ semantics. Channels return classified
 * outcomes and know nothing of BullMQ; the processor decides (from PostgreSQL's attempt count)
 * whether a failure is final; this file turns that into what BullMQ understands:
 * - delivered, skipped → the job completes;
 * - retry → a thrown RetryLaterError, whose delay the worker's backoff strategy reads;
 * - failed → UnrecoverableError, which fails the job at once whatever its attempts setting;
 * - postponed (the sink is at its rate) → the job moves to delayed without counting an attempt.
 *
 * A 429 is a retry with the destination's Retry-After, not BullMQ's queue-wide rate limit: one
 * tenant's throttled endpoint must not pause every other tenant's deliveries on the same queue.
 */
export type Decision = { kind: 'done' } | { kind: 'retry'; delayMs: number; reason: string } | { kind: 'failed'; reason: string };

export class RetryLaterError extends Error {
  readonly code = 'retry_later';
  constructor(
    readonly delayMs: number,
    readonly reason: string,
  ) {
    super(`retry in ${delayMs} ms (${reason})`);
    this.name = 'RetryLaterError';
  }
}

export function applyDecision(decision: Decision): void {
  if (decision.kind === 'retry') throw new RetryLaterError(decision.delayMs, decision.reason);
  if (decision.kind === 'failed') throw new UnrecoverableError(`delivery failed: ${decision.reason}`);
}

/** BullMQ's backoffStrategy: the delay the processor computed, carried on the error. */
export function backoffStrategy(_attemptsMade: number, _type?: string, err?: Error): number {
  return err instanceof RetryLaterError ? err.delayMs : 5_000;
}

/**
 * Puts a job back for `delayMs` without counting an attempt: a sink at its rate waits, and its
 * waiting job frees the worker's slot for other sinks meanwhile.
 */
export async function postpone(job: Job, token: string | undefined, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
