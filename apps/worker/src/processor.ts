import type { Job } from 'bullmq';
import { requestSettings, sendOnce, type AnyChannel, type DeliveryItem, type Outcome, type SenderCache, type StoredSink } from '@tocsin/channels';
import { batchJobDataSchema, jobDataSchema, type Producer } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import { retryDelayMs } from './backoff.js';
import { Batcher } from './batcher.js';
import { applyDecision, postpone, type Decision } from './bullmq-outcome.js';
import type { AttemptRecord, Claimed, DeliveryStore } from './deliveries.js';
import type { SinkPacer } from './pacer.js';
import { Permits } from './permits.js';

export interface ProcessorDeps {
  store: DeliveryStore;
  senders: SenderCache;
  pacer: SinkPacer;
  /** Re-enqueues a batch job's deliveries that will be retried. */
  producer: Pick<Producer, 'enqueueLater'>;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  /** Slack added to a retry's due time before the relay steps in (BullMQ's delayed job comes first). */
  relayGraceMs: number;
}

/** What a batch job did, kept by BullMQ as its return value so the dashboard shows it. */
export type BatchSummary = Record<'delivered' | 'retrying' | 'failed' | 'skipped' | 'finished', number>;

/**
 * What the attempt means for the delivery, from the outcome and PostgreSQL's attempt count. The
 * count starts again at a manual re-send (retry, recover): an admin's retry gets the full set of
 * automatic retries and the backoff starts from its first step, while attempt numbers go on.
 */
export function decide(outcome: Outcome, claim: Pick<Claimed, 'attempt' | 'attemptsAtRetry'>, deps: Pick<ProcessorDeps, 'maxAttempts' | 'retryBaseMs' | 'relayGraceMs'>): { decision: Decision; next: AttemptRecord['next'] } {
  if (outcome.kind === 'delivered') return { decision: { kind: 'done' }, next: { state: 'delivered' } };
  const attempt = claim.attempt - claim.attemptsAtRetry;
  if (outcome.kind === 'retryable' && attempt < deps.maxAttempts) {
    const delayMs = retryDelayMs(attempt, deps.retryBaseMs, outcome.retryAfterMs);
    return { decision: { kind: 'retry', delayMs, reason: outcome.reason }, next: { state: 'retrying', at: new Date(Date.now() + delayMs + deps.relayGraceMs) } };
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

  /** Sends one claimed delivery (alone, or through the batcher), records the attempt and logs it. */
  async function deliver(claim: Claimed, tenantId: string, deliveryId: string) {
    const sink: StoredSink = { tenantId, sinkId: claim.sink.id, config: claim.sink.config, version: claim.sink.version };
    const item: DeliveryItem = { deliveryId, attempt: claim.attempt, event: claim.event };
    const startedAt = new Date();
    const outcome = batcher ? await batcher.add(sink, item) : (await send(sink, [item]))[0]!;
    const durationMs = Date.now() - startedAt.getTime();
    const { decision, next } = decide(outcome, claim, deps);
    await deps.store.record(tenantId, deliveryId, { attempt: claim.attempt, startedAt, durationMs, outcome, next });
    log(outcome, next, { deliveryId, sinkId: claim.sink.id, channel: channel.id, attempt: claim.attempt, durationMs });
    return { decision, next };
  }

  const single = async (job: Job, token?: string): Promise<void> => {
    const { delivery_id: deliveryId, tenant_id: tenantId, sink_id: sinkId } = jobDataSchema.parse(job.data);
    const waitMs = deps.pacer.take(sinkId, requestSettings(channel).ratePerSecond);
    if (waitMs > 0) {
      deps.logger.debug({ deliveryId, sinkId, channel: channel.id, waitMs }, 'sink at its rate: delivery waits');
      await postpone(job, token, waitMs);
    }
    const claimed = await deps.store.claim(tenantId, deliveryId);
    if (claimed.kind === 'skipped') deps.logger.info({ deliveryId, sinkId, channel: channel.id }, 'delivery skipped: sink disabled or deleted');
    if (claimed.kind !== 'claimed') return;
    applyDecision((await deliver(claimed.claim, tenantId, deliveryId)).decision);
  };

  /**
   * Batching channels are paced per request by the vendor's own limits, not per delivery. The
   * deliveries to retry go back as one delayed batch job, after the longest of their delays (a
   * Retry-After is a floor); if Redis refuses, the relay enqueues them when they are due.
   */
  const batch = async (job: Job): Promise<BatchSummary> => {
    const { tenant_id: tenantId, sink_id: sinkId, delivery_ids: ids } = batchJobDataSchema.parse(job.data);
    const summary: BatchSummary = { delivered: 0, retrying: 0, failed: 0, skipped: 0, finished: 0 };
    const retries: { id: string; delayMs: number }[] = [];
    await Promise.all(
      ids.map((deliveryId) =>
        permits.with(async () => {
          const claimed = await deps.store.claim(tenantId, deliveryId);
          if (claimed.kind === 'skipped') deps.logger.info({ deliveryId, sinkId, channel: channel.id }, 'delivery skipped: sink disabled or deleted');
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

  function log(outcome: Outcome, next: AttemptRecord['next'], fields: Record<string, unknown>): void {
    if (outcome.kind === 'delivered') return deps.logger.debug({ ...fields, status: outcome.status }, 'delivered');
    const line = { ...fields, state: next.state, reason: outcome.reason, status: outcome.status, message: outcome.message };
    if (next.state === 'failed') deps.logger.error(line, 'delivery failed for good');
    else deps.logger.warn(line, 'attempt failed; will retry');
  }

  return Object.assign(batcher ? batch : single, { flush: () => batcher?.flushAll() });
}
