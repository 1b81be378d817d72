import type { Job } from 'bullmq';
import { requestSettings, sendOnce, type AnyChannel, type DeliveryItem, type Outcome, type SenderCache, type StoredSink } from '@tocsin/channels';
import { batchJobDataSchema, jobDataSchema, type Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import { retryDelayMs } from './backoff.js';
import { Batcher } from './batcher.js';
import { applyDecision, postpone, type Decision } from './bullmq-outcome.js';
import { isGone } from './breaker.js';
import type { SinkSlots } from './sink-slots.js';
import type { AttemptRecord, Claimed, DeliveryStore, RecordResult } from './deliveries.js';
import type { WorkerMetrics } from './metrics.js';
import type { SinkPacer } from './pacer.js';
import { Permits } from './permits.js';
import type { SinkRates } from './sink-rates.js';

export interface ProcessorDeps {
  store: DeliveryStore;
  senders: SenderCache;
  pacer: SinkPacer;
  /** Sends in flight per sink, bounded so that one sink (a hanging receiver) cannot hold every slot. */
  slots: SinkSlots;
  /** Each sink's own rate, for the pacer (null: the channel's). */
  rates: SinkRates;
  /** Re-enqueues a batch job's deliveries that will be retried. */
  producer: Pick<Producer, 'enqueueLater'>;
  logger: Logger;
  /** Tells the api processes that a tenant's sinks changed: the breaker disabled one. */
  sinksChanged: (tenantId: string) => void;
  /** Slack added to a retry's due time before the relay steps in (BullMQ's delayed job comes first). */
  relayGraceMs: number;
  /** The process's counters (metrics.ts); none in unit tests. */
  metrics?: Pick<WorkerMetrics, 'attempt' | 'unclaimed'>;
}

/** What a batch job did, kept by BullMQ as its return value so the dashboard shows it. */
export type BatchSummary = Record<'delivered' | 'retrying' | 'failed' | 'skipped' | 'held' | 'finished', number>;

/**
 * A 429 or 503 that says when to come back: the destination is throttling or briefly down, not
 * failing, so waiting for it is not an attempt's worth of failure (Standard Webhooks and most
 * vendors send Retry-After with exactly these). Other retryable answers count.
 */
const isDeferral = (outcome: Outcome): outcome is Extract<Outcome, { kind: 'retryable' }> & { retryAfterMs: number } =>
  outcome.kind === 'retryable' && outcome.retryAfterMs !== undefined && (outcome.status === 429 || outcome.status === 503 || outcome.reason === 'rate_limited');

/**
 * What the attempt means for the delivery, from the outcome, PostgreSQL's attempt count and the
 * round's retry policy (retry-policy.ts: the severity's first delay, window and budget).
 * - Delivered: done. A 410 Gone: held (the breaker disables the sink in the same transaction).
 * - A Retry-After deferral (429 / 503 with Retry-After) waits at least what it asks without
 *   counting, while the round has deferrals left and the wait ends inside the window; the attempt
 *   row is still written.
 * - Another retryable failure retries while the counted attempts are under the budget and the
 *   window is open; the last retry is brought forward to the window's end. A Retry-After that
 *   reaches past the window ends the delivery instead of being cut short.
 * - Anything else fails for good.
 * The count starts again at a manual re-send (retry, recover) or a resume: an admin's action gets
 * the full set of automatic retries and the backoff starts from its first step, while attempt
 * numbers go on.
 */
export function decide(
  outcome: Outcome,
  claim: Pick<Claimed, 'attempt' | 'attemptsAtRetry' | 'retry'>,
  deps: Pick<ProcessorDeps, 'relayGraceMs'>,
  now = Date.now(),
): { decision: Decision; next: AttemptRecord['next'] } {
  if (outcome.kind === 'delivered') return { decision: { kind: 'done' }, next: { state: 'delivered' } };
  if (isGone(outcome)) return { decision: { kind: 'done' }, next: { state: 'held' } };
  const { policy, until, deferrals } = claim.retry;
  const remainingMs = until.getTime() - now;
  const retryIn = (delayMs: number, deferred: boolean) => ({
    decision: { kind: 'retry', delayMs, reason: outcome.reason } as const,
    next: { state: 'retrying', at: new Date(now + delayMs + deps.relayGraceMs), ...(deferred ? { deferred } : {}) } as const,
  });
  if (outcome.kind === 'retryable') {
    if (isDeferral(outcome) && deferrals < policy.max_deferrals) {
      const delayMs = retryDelayMs(1, policy.first_delay_ms, outcome.retryAfterMs);
      if (delayMs <= remainingMs) return retryIn(delayMs, true);
    }
    const counted = claim.attempt - claim.attemptsAtRetry - deferrals;
    if (counted < policy.max_attempts && remainingMs > 0 && (outcome.retryAfterMs ?? 0) <= remainingMs) {
      return retryIn(Math.min(retryDelayMs(counted, policy.first_delay_ms, outcome.retryAfterMs), remainingMs), false);
    }
  }
  return { decision: { kind: 'failed', reason: outcome.reason }, next: { state: 'failed' } };
}

/**
 * The BullMQ processor for one channel. A channel without batch limits gets one job per
 * delivery: pace the sink, claim, send, record, then map the decision to BullMQ. A batching
 * channel gets batch jobs (several deliveries of one sink): each delivery is claimed, sent in
 * a batch with the sink's other ready deliveries, recorded and decided on its own row.
 */
export function createProcessor(channel: AnyChannel, deps: ProcessorDeps) {
  const send = (sink: StoredSink, items: DeliveryItem[]): Promise<Outcome[]> =>
    sendOnce(channel, sink, items, deps.senders, {
      onError: (err, what) =>
        deps.logger.error({ err: what === 'open' ? { name: (err as Error).name, code: (err as { code?: string }).code } : err, sinkId: sink.sinkId, channel: channel.id }, what === 'open' ? 'sink config cannot be opened' : 'channel threw'),
    });
  const batcher = channel.batch ? new Batcher<StoredSink>(channel.batch, send) : undefined;
  // Deliveries of batch jobs held at once: as many as the queue's jobs would hold one each.
  const permits = new Permits(requestSettings(channel).concurrency);

  /**
   * Sends one claimed delivery (alone, or through the batcher), records the attempt and logs it.
   * `sent` is called as soon as the send has an outcome, before the attempt is recorded.
   */
  async function deliver(claim: Claimed, tenantId: string, deliveryId: string, sent?: () => void) {
    const sink: StoredSink = { tenantId, sinkId: claim.sink.id, config: claim.sink.config, version: claim.sink.version };
    const item: DeliveryItem = { deliveryId, attempt: claim.attempt, event: claim.event };
    const startedAt = new Date();
    const outcome = batcher ? await batcher.add(sink, item) : (await send(sink, [item]))[0]!;
    const durationMs = Date.now() - startedAt.getTime();
    sent?.();
    const { decision, next } = decide(outcome, claim, deps);
    const recorded = await deps.store.record(tenantId, deliveryId, { sinkId: claim.sink.id, attempt: claim.attempt, startedAt, durationMs, outcome, next, retry: claim.retry });
    log(outcome, next, recorded, { deliveryId, sinkId: claim.sink.id, channel: channel.id, attempt: claim.attempt, durationMs });
    deps.metrics?.attempt(channel.id, outcome, next, recorded, claim.event.received_at, durationMs);
    // Ingest stops routing to the disabled sink now, not when its cache entry expires.
    if (recorded.opened) deps.sinksChanged(tenantId);
    // The breaker opened with this attempt and held the delivery: no retry job is left behind.
    if (recorded.opened && decision.kind === 'retry') return { decision: { kind: 'done' } as const, next: { state: 'held' } as const };
    return { decision, next };
  }

  const single = async (job: Job, token?: string): Promise<void> => {
    const { delivery_id: deliveryId, tenant_id: tenantId, sink_id: sinkId } = jobDataSchema.parse(job.data);
    // Waiting for a slot or for the rate is no attempt: the job is put off before the claim counts one.
    // BullMQ counts each start of the job; those that were no attempt were put off (or stalled).
    const slot = await deps.slots.take(channel.id, sinkId, Math.max(0, job.attemptsStarted - 1 - job.attemptsMade));
    if ('retryInMs' in slot) {
      deps.logger.debug({ deliveryId, sinkId, channel: channel.id, waitMs: slot.retryInMs }, 'sink has its most sends in flight: delivery waits');
      return postpone(job, token, slot.retryInMs + Math.floor((Math.random() * slot.retryInMs) / 2));
    }
    try {
      const waitMs = deps.pacer.take(sinkId, await deps.rates.of(tenantId, sinkId, requestSettings(channel).ratePerSecond));
      if (waitMs > 0) {
        deps.logger.debug({ deliveryId, sinkId, channel: channel.id, waitMs }, 'sink at its rate: delivery waits');
        await postpone(job, token, waitMs);
      }
      const claimed = await deps.store.claim(tenantId, deliveryId);
      logUnclaimed(claimed.kind, { deliveryId, sinkId, channel: channel.id });
      if (claimed.kind !== 'claimed') return;
      deps.rates.remember(sinkId, claimed.claim.sink.ratePerSecond);
      // The slot bounds sends to the sink: it is free again once the send is done, while the attempt is recorded.
      applyDecision((await deliver(claimed.claim, tenantId, deliveryId, slot.release)).decision);
    } finally {
      slot.release();
    }
  };

  /**
   * Batching channels are paced per request by the vendor's own limits, not per delivery. The
   * deliveries to retry go back as one delayed batch job, after the longest of their delays (a
   * Retry-After is a floor); if Redis refuses, the relay enqueues them when they are due.
   */
  const batch = async (job: Job): Promise<BatchSummary> => {
    const { tenant_id: tenantId, sink_id: sinkId, delivery_ids: ids } = batchJobDataSchema.parse(job.data);
    const summary: BatchSummary = { delivered: 0, retrying: 0, failed: 0, skipped: 0, held: 0, finished: 0 };
    const retries: { id: string; delayMs: number }[] = [];
    await Promise.all(
      ids.map((deliveryId) =>
        permits.with(async () => {
          const claimed = await deps.store.claim(tenantId, deliveryId);
          logUnclaimed(claimed.kind, { deliveryId, sinkId, channel: channel.id });
          if (claimed.kind !== 'claimed') return void (summary[claimed.kind] += 1);
          const { decision, next } = await deliver(claimed.claim, tenantId, deliveryId);
          summary[next.state] += 1;
          if (decision.kind === 'retry') retries.push({ id: deliveryId, delayMs: decision.delayMs });
        }),
      ),
    );
    if (retries.length > 0) {
      const delayMs = Math.max(...retries.map((r) => r.delayMs));
      await deps.producer
        .enqueueLater(channel.id, { tenant_id: tenantId, sink_id: sinkId, delivery_ids: retries.map((r) => r.id) }, delayMs)
        .catch((err: unknown) => deps.logger.warn({ err, sinkId, channel: channel.id, count: retries.length }, 'retry enqueue failed; the relay will enqueue'));
    }
    return summary;
  };

  function logUnclaimed(kind: string, fields: Record<string, unknown>): void {
    deps.metrics?.unclaimed(channel.id, kind);
    if (kind === 'skipped') deps.logger.info(fields, 'delivery skipped: sink deleted');
    if (kind === 'held') deps.logger.info(fields, 'delivery held: sink disabled');
  }

  function log(outcome: Outcome, next: AttemptRecord['next'], recorded: RecordResult, fields: Record<string, unknown>): void {
    if (recorded.opened) deps.logger.warn({ ...fields, reason: recorded.opened }, recorded.opened === 'gone' ? 'sink disabled: the destination answered 410 Gone' : 'sink disabled: circuit open after failing without a delivery');
    if (outcome.kind === 'delivered') return deps.logger.debug({ ...fields, status: outcome.status }, 'delivered');
    const line = { ...fields, state: next.state, reason: outcome.reason, status: outcome.status, message: outcome.message };
    if (next.state === 'failed') deps.logger.error(line, 'delivery failed for good');
    else if (next.state === 'held') deps.logger.warn(line, 'delivery held: sink disabled');
    else if (next.state === 'retrying' && next.deferred) deps.logger.warn(line, 'destination asked to wait; will retry without counting the attempt');
    else deps.logger.warn(line, 'attempt failed; will retry');
  }

  return Object.assign(batcher ? batch : single, { flush: () => batcher?.flushAll() });
}
