import type { DeliveryItem, Outcome } from '@tocsin/channels';
import { sampleEvent } from '@tocsin/channels/testing';
import { Batcher } from './batcher.js';

const item = (n: number, detail: Record<string, unknown> = {}): DeliveryItem => ({ deliveryId: `d${n}`, attempt: 1, event: sampleEvent({ detail }) });
const sink = (sinkId: string, version = 'v1') => ({ sinkId, version });

function recorder() {
  const calls: { sinkId: string; version: string; ids: string[] }[] = [];
  const flush = async (s: { sinkId: string; version: string }, items: DeliveryItem[]): Promise<Outcome[]> => {
    calls.push({ sinkId: s.sinkId, version: s.version, ids: items.map((i) => i.deliveryId) });
    return items.map((i) => ({ kind: 'delivered', body: i.deliveryId }));
  };
  return { calls, flush };
}

describe('Batcher', () => {
  test('deliveries of one sink ready together go in one batch, each with its own outcome', async () => {
    const { calls, flush } = recorder();
    const batcher = new Batcher({ maxEvents: 10, maxBytes: 1_000_000, maxWaitMs: 30 }, flush);
    const outcomes = await Promise.all([1, 2, 3].map((n) => batcher.add(sink('a'), item(n))));
    expect(calls).toEqual([{ sinkId: 'a', version: 'v1', ids: ['d1', 'd2', 'd3'] }]);
    expect(outcomes.map((o) => o.body)).toEqual(['d1', 'd2', 'd3']);
  });

  test('sinks are never mixed', async () => {
    const { calls, flush } = recorder();
    const batcher = new Batcher({ maxEvents: 10, maxBytes: 1_000_000, maxWaitMs: 20 }, flush);
    await Promise.all([batcher.add(sink('a'), item(1)), batcher.add(sink('b'), item(2)), batcher.add(sink('a'), item(3))]);
    expect(calls.map((c) => [c.sinkId, c.ids])).toEqual(
      expect.arrayContaining([
        ['a', ['d1', 'd3']],
        ['b', ['d2']],
      ]),
    );
    expect(calls).toHaveLength(2);
  });

  test('a full batch goes at once, without waiting', async () => {
    const { calls, flush } = recorder();
    const batcher = new Batcher({ maxEvents: 2, maxBytes: 1_000_000, maxWaitMs: 60_000 }, flush);
    const done = Promise.all([1, 2, 3, 4].map((n) => batcher.add(sink('a'), item(n))));
    // maxWaitMs is a minute: only the count limit can have sent these.
    let guard: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((_, reject) => (guard = setTimeout(() => reject(new Error('waited for the timer')), 5_000)))]).finally(() => clearTimeout(guard));
    expect(calls.map((c) => c.ids)).toEqual([
      ['d1', 'd2'],
      ['d3', 'd4'],
    ]);
  });

  test('the byte limit splits batches before they exceed it', async () => {
    const { calls, flush } = recorder();
    const big = { blob: 'x'.repeat(600) };
    const batcher = new Batcher({ maxEvents: 100, maxBytes: 2_500, maxWaitMs: 20 }, flush);
    await Promise.all([1, 2, 3, 4].map((n) => batcher.add(sink('a'), item(n, big))));
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.ids.length).toBeLessThan(4);
    expect(calls.flatMap((c) => c.ids)).toEqual(['d1', 'd2', 'd3', 'd4']);
  });

  test('the newest sink version sends the batch', async () => {
    const { calls, flush } = recorder();
    const batcher = new Batcher({ maxEvents: 10, maxBytes: 1_000_000, maxWaitMs: 20 }, flush);
    await Promise.all([batcher.add(sink('a', 'v1'), item(1)), batcher.add(sink('a', 'v2'), item(2))]);
    expect(calls).toEqual([{ sinkId: 'a', version: 'v2', ids: ['d1', 'd2'] }]);
  });

  test('flushAll sends what waits, and a failing flush rejects every waiter', async () => {
    const failing = new Batcher({ maxEvents: 10, maxBytes: 1_000_000, maxWaitMs: 60_000 }, async () => {
      throw new Error('boom');
    });
    const waiting = [failing.add(sink('a'), item(1)), failing.add(sink('a'), item(2))];
    failing.flushAll();
    for (const p of waiting) await expect(p).rejects.toThrow('boom');
  });
});
