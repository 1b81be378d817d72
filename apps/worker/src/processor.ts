import type { Job } from 'bullmq';
import { requestSettings, sendOnce, type AnyChannel, type DeliveryItem, type Outcome, type SenderCache, type StoredSink } from '@tocsin/channels';
import { jobDataSchema } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import { retryDelayMs } from './backoff.js';
import { Batcher } from './batcher.js';
import { applyDecision, postpone, type Decision } from './bullmq-outcome.js';
import type { AttemptRecord, Claimed, DeliveryStore } from './deliveries.js';
import type { SinkPacer } from './pacer.js';

export interface ProcessorDeps {
  store: DeliveryStore;
  senders: SenderCache;
  pacer: SinkPacer;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  /** Slack added to a retry's due time before the relay steps in (BullMQ's delayed job comes first). */
  relayGraceMs: number;
}

/** What the attempt means for the delivery, from the outcome and PostgreSQL's attempt count. */
function decide(outcome: Outcome, attempt: number, deps: ProcessorDeps): { decision: Decision; next: AttemptRecord['next'] } {
  if (outcome.kind === 'delivered') return { decision: { kind: 'done' }, next: { state: 'delivered' } };
  if (outcome.kind === 'retryable' && attempt < deps.maxAttempts) {
    const delayMs = retryDelayMs(attempt, deps.retryBaseMs, outcome.retryAfterMs);
    return { decision: { kind: 'retry', delayMs, reason: outcome.reason }, next: { state: 'retrying', at: new Date(Date.now() + delayMs + deps.relayGraceMs) } };
  }
  return { decision: { kind: 'failed', reason: outcome.reason }, next: { state: 'failed' } };
}

/**
 * The BullMQ processor for one channel: pace the sink, claim, send (alone, or in a batch with
 * the sink's other ready deliveries), record, then map the decision to BullMQ.
 */
export function createProcessor(channel: AnyChannel, deps: ProcessorDeps) {
  const { ratePerSecond } = requestSettings(channel);
  const send = (sink: StoredSink, items: DeliveryItem[]): Promise<Outcome[]> =>
    sendOnce(channel, sink, items, deps.senders, {
      onError: (err, what) =>
        deps.logger.error({ err: what === 'open' ? { name: (err as Error).name, code: (err as { code?: string }).code } : err, sinkId: sink.sinkId, channel: channel.id }, what === 'open' ? 'sink config cannot be opened' : 'channel threw'),
    });
  const batcher = channel.batch ? new Batcher<StoredSink>(channel.batch, send) : undefined;

  const processor = async (job: Job, token?: string): Promise<void> => {
    const { delivery_id: deliveryId, tenant_id: tenantId, sink_id: sinkId } = jobDataSchema.parse(job.data);
    // Batching channels are paced per request by the vendor's own limits, not per delivery.
    const waitMs = batcher ? 0 : deps.pacer.take(sinkId, ratePerSecond);
    if (waitMs > 0) {
      deps.logger.debug({ deliveryId, sinkId, channel: channel.id, waitMs }, 'sink at its rate: delivery waits');
      await postpone(job, token, waitMs);
    }
    const claimed = await deps.store.claim(tenantId, deliveryId);
    if (claimed.kind !== 'claimed') {
      if (claimed.kind === 'skipped') deps.logger.info({ deliveryId, sinkId, channel: channel.id }, 'delivery skipped: sink disabled or deleted');
      return;
    }
    const { claim } = claimed;
    const outcome = await attempt(claim, tenantId, deliveryId);
    const { decision, next } = decide(outcome.outcome, claim.attempt, deps);
    await deps.store.record(tenantId, deliveryId, { attempt: claim.attempt, startedAt: outcome.startedAt, durationMs: outcome.durationMs, outcome: outcome.outcome, next });
    log(outcome.outcome, next, { deliveryId, sinkId, channel: channel.id, attempt: claim.attempt, durationMs: outcome.durationMs });
    applyDecision(decision);
  };

  async function attempt(claim: Claimed, tenantId: string, deliveryId: string) {
    const sink: StoredSink = { tenantId, sinkId: claim.sink.id, config: claim.sink.config, version: claim.sink.version };
    const item: DeliveryItem = { deliveryId, attempt: claim.attempt, event: claim.event };
    const startedAt = new Date();
    const outcome = batcher ? await batcher.add(sink, item) : (await send(sink, [item]))[0]!;
    return { outcome, startedAt, durationMs: Date.now() - startedAt.getTime() };
  }

  function log(outcome: Outcome, next: AttemptRecord['next'], fields: Record<string, unknown>): void {
    if (outcome.kind === 'delivered') return deps.logger.debug({ ...fields, status: outcome.status }, 'delivered');
    const line = { ...fields, state: next.state, reason: outcome.reason, status: outcome.status, message: outcome.message };
    if (next.state === 'failed') deps.logger.error(line, 'delivery failed for good');
    else deps.logger.warn(line, 'attempt failed; will retry');
  }

  return Object.assign(processor, { flush: () => batcher?.flushAll() });
}
