import type { AnyChannel, DeliveryItem, SendContext } from './channel.js';
import type { Outcome } from './outcome.js';
import type { SenderCache, StoredSink } from './senders.js';

export interface SendOnceOptions {
  /** @defaultValue `() => new Date()` */
  now?: () => Date;
  /** Told about failures that are bugs or broken configs, never about destination failures. */
  onError?: (error: unknown, what: 'open' | 'send') => void;
}

const INVALID_CONFIG: Outcome = {
  kind: 'permanent',
  reason: 'invalid_config',
  message: 'The stored sink configuration is invalid or cannot be decrypted.',
};
const CHANNEL_FAILED: Outcome = { kind: 'retryable', reason: 'unknown', message: 'The channel failed unexpectedly.' };

/**
 * One try of one sink's deliveries: open the sink's sender (decrypting and validating its
 * config), render, send, classify. Returns one outcome per item, index-aligned, and never throws:
 * a config that no longer opens fails every item for good, a channel that throws (a bug of ours)
 * retries them. The worker and the API's test send both use it.
 */
export async function sendOnce(channel: AnyChannel, sink: StoredSink, items: readonly DeliveryItem[], senders: SenderCache, options: SendOnceOptions = {}): Promise<Outcome[]> {
  const all = (outcome: Outcome): Outcome[] => items.map(() => outcome);
  let sender;
  try {
    sender = senders.get(channel, sink);
  } catch (error) {
    options.onError?.(error, 'open');
    return all(INVALID_CONFIG);
  }
  const ctx: SendContext = { sink: { tenantId: sink.tenantId, sinkId: sink.sinkId }, now: options.now ?? (() => new Date()) };
  try {
    const outcomes = await sender.send(items, ctx);
    if (outcomes.length !== items.length) throw new Error(`${channel.id} returned ${outcomes.length} outcomes for ${items.length} deliveries`);
    return outcomes;
  } catch (error) {
    options.onError?.(error, 'send');
    return all(CHANNEL_FAILED);
  }
}
