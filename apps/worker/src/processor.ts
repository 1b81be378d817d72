import type { Job } from 'bullmq';
import { openConfig, type AnyChannel, type HttpClient, type Outcome } from '@tocsin/channels';
import type { SecretBox } from '@tocsin/db';
import { jobDataSchema } from '@tocsin/queue';
import type { Logger } from '@tocsin/config';
import { retryDelayMs } from './backoff.js';
import { applyDecision, type Decision } from './bullmq-outcome.js';
import type { AttemptRecord, Claimed, DeliveryStore } from './deliveries.js';

export interface ProcessorDeps {
  store: DeliveryStore;
  box: SecretBox;
  http: HttpClient;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  /** Slack added to a retry's due time before the relay steps in (BullMQ's delayed job comes first). */
  relayGraceMs: number;
}

async function send(channel: AnyChannel, deps: ProcessorDeps, claim: Claimed, tenantId: string, deliveryId: string): Promise<Outcome> {
  let config;
  try {
    config = openConfig(channel, claim.sink.config, deps.box, { tenantId, sinkId: claim.sink.id });
  } catch (err) {
    deps.logger.error({ err: { name: (err as Error).name, code: (err as { code?: string }).code }, deliveryId }, 'sink config cannot be opened');
    return { kind: 'permanent', reason: 'invalid_config', message: 'The stored sink configuration is invalid or cannot be decrypted.' };
  }
  try {
    return await channel.send(config, claim.event, { deliveryId, attempt: claim.attempt, http: deps.http, now: () => new Date() });
  } catch (err) {
    // Channels classify destination failures themselves; a throw here is a bug in ours.
    deps.logger.error({ err, deliveryId, channel: channel.id }, 'channel threw');
    return { kind: 'retryable', reason: 'unknown', message: 'The channel failed unexpectedly.' };
  }
}

/** The BullMQ processor for one channel: claim, send, record, then map the decision to BullMQ. */
export function createProcessor(channel: AnyChannel, deps: ProcessorDeps) {
  return async (job: Job): Promise<void> => {
    const { delivery_id: deliveryId, tenant_id: tenantId } = jobDataSchema.parse(job.data);
    const claimed = await deps.store.claim(tenantId, deliveryId);
    if (claimed.kind !== 'claimed') return;
    const { claim } = claimed;

    const startedAt = new Date();
    const outcome = await send(channel, deps, claim, tenantId, deliveryId);
    const durationMs = Date.now() - startedAt.getTime();

    let decision: Decision;
    let next: AttemptRecord['next'];
    if (outcome.kind === 'delivered') {
      decision = { kind: 'done' };
      next = { state: 'delivered' };
    } else if (outcome.kind === 'retryable' && claim.attempt < deps.maxAttempts) {
      const delayMs = retryDelayMs(claim.attempt, deps.retryBaseMs, outcome.retryAfterMs);
      decision = { kind: 'retry', delayMs, reason: outcome.reason };
      next = { state: 'retrying', at: new Date(Date.now() + delayMs + deps.relayGraceMs) };
    } else {
      decision = { kind: 'failed', reason: outcome.reason };
      next = { state: 'failed' };
    }
    await deps.store.record(tenantId, deliveryId, { attempt: claim.attempt, startedAt, durationMs, outcome, next });
    deps.logger.debug({ deliveryId, channel: channel.id, attempt: claim.attempt, outcome: outcome.kind, durationMs }, 'attempt');
    applyDecision(decision);
  };
}
