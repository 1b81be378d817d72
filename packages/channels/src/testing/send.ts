import type { AnyChannel, DeliveryItem, SinkRef } from '../core/channel.js';
import type { EventRecord } from '../core/event-record.js';
import type { HttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { resolveChannelConfig } from '../core/resolve-config.js';
import { sampleEvent } from './sample-event.js';

export interface TestSendOptions {
  http: HttpClient;
  /** Operator settings by env name, as the config module would pass them. */
  settings?: Record<string, string>;
  /** @defaultValue `() => new Date()` */
  now?: () => Date;
  /** @defaultValue a fixed test sink */
  sink?: SinkRef;
}

export const TEST_SINK: SinkRef = { tenantId: '7d1f3c52-0c0e-4b7a-9d6e-2a4f5b6c7d8e', sinkId: '3e9b2a14-6f5d-4c3b-8a2e-1f0e9d8c7b6a' };
export const TEST_DELIVERY_ID = '5a3c7a0e-3f4e-4b8e-9a59-1d2f7c0b6e11';

/** A delivery item for tests. */
export const testItem = (overrides: Partial<DeliveryItem> = {}): DeliveryItem => ({
  deliveryId: TEST_DELIVERY_ID,
  attempt: 1,
  event: sampleEvent(),
  ...overrides,
});

/**
 * Opens a channel for a plain (stored-form) config, as the worker does after decrypting, and
 * sends items through the returned sender. `open` runs on every call: tests that need one sender
 * across sends (a cached token) call {@link openForTest}.
 */
export async function sendItems(channel: AnyChannel, config: unknown, items: readonly DeliveryItem[], options: TestSendOptions): Promise<Outcome[]> {
  return openForTest(channel, config, options).send(items);
}

/** One delivery of `event` (the sample event by default). */
export async function sendEvent(channel: AnyChannel, config: unknown, options: TestSendOptions & { event?: EventRecord; deliveryId?: string; attempt?: number }): Promise<Outcome> {
  const [outcome] = await sendItems(channel, config, [testItem({ event: options.event ?? sampleEvent(), deliveryId: options.deliveryId ?? TEST_DELIVERY_ID, attempt: options.attempt ?? 1 })], options);
  return outcome!;
}

/** A sender opened once, for tests that send several times through it. */
export function openForTest(channel: AnyChannel, config: unknown, options: TestSendOptions) {
  const sender = channel.open(resolveChannelConfig(channel, config), { http: options.http, settings: options.settings ?? {} });
  const ctx = { sink: options.sink ?? TEST_SINK, now: options.now ?? (() => new Date()) };
  return {
    send: (items: readonly DeliveryItem[]): Promise<Outcome[]> => sender.send(items, ctx),
    sendOne: async (item: Partial<DeliveryItem> = {}): Promise<Outcome> => (await sender.send([testItem(item)], ctx))[0]!,
  };
}
