import { z } from 'zod';
import { defineChannel, perDelivery } from './channel.js';
import { sendOnce } from './send-once.js';
import { SenderCache } from './senders.js';
import { sealConfig, type Cipher } from './sealed-config.js';
import { testItem } from '../testing/send.js';

/** Reversible and bound to its AAD, like the real SecretBox: enough to exercise sealing. */
const cipher: Cipher = {
  encrypt: (plain, aad) => `enc:${Buffer.from(`${aad}|${plain}`).toString('base64')}`,
  decrypt: (sealed, aad) => {
    const [bound, plain] = Buffer.from(sealed.slice(4), 'base64').toString().split('|');
    if (bound !== aad) throw new Error('wrong aad');
    return plain!;
  },
};

function probeChannel(behaviour: 'ok' | 'throw' | 'short' = 'ok') {
  const opened: { token: string; settings: Record<string, string> }[] = [];
  const channel = defineChannel({
    id: 'probe',
    sinkType: 'Probe',
    plan: 'team',
    configSchema: z.strictObject({ url: z.string(), token: z.string() }),
    secretFields: ['token'],
    settings: [{ env: 'TOCSIN_PROBE_CLIENT', description: 'test', secret: false }],
    urls: (c) => [c.url],
    open: (config, deps) => {
      opened.push({ token: config.token.reveal(), settings: { ...deps.settings } });
      if (behaviour === 'throw') return perDelivery(async () => Promise.reject(new Error('bug')));
      if (behaviour === 'short') return { send: async () => [] };
      return perDelivery(async ({ deliveryId }) => ({ kind: 'delivered', body: deliveryId }));
    },
  });
  return { channel, opened };
}

const who = { tenantId: 't1', sinkId: 's1' };
const stored = (channel: ReturnType<typeof probeChannel>['channel'], token = 'tok-1') => sealConfig(channel, { url: 'https://example.com', token }, cipher, who);

describe('SenderCache and sendOnce', () => {
  test('a sink is opened once per version; a new version opens it again with the new secret', async () => {
    const { channel, opened } = probeChannel();
    const senders = new SenderCache({ cipher, settings: { TOCSIN_PROBE_CLIENT: 'client', TOCSIN_OTHER: 'not for probe' } });
    const v1 = { ...who, config: stored(channel), version: '1' };
    await sendOnce(channel, v1, [testItem()], senders);
    await sendOnce(channel, v1, [testItem()], senders);
    expect(opened).toHaveLength(1);
    await sendOnce(channel, { ...who, config: stored(channel, 'tok-2'), version: '2' }, [testItem()], senders);
    expect(opened.map((o) => o.token)).toEqual(['tok-1', 'tok-2']);
    // Each channel sees only the operator settings it declared.
    expect(opened[0]!.settings).toEqual({ TOCSIN_PROBE_CLIENT: 'client' });
  });

  test('one outcome per item, in order', async () => {
    const { channel } = probeChannel();
    const outcomes = await sendOnce(channel, { ...who, config: stored(channel), version: '1' }, [testItem({ deliveryId: 'a' }), testItem({ deliveryId: 'b' })], new SenderCache({ cipher }));
    expect(outcomes.map((o) => o.body)).toEqual(['a', 'b']);
  });

  test('a config that does not open fails every item for good, and says why only to onError', async () => {
    const { channel } = probeChannel();
    const errors: string[] = [];
    const sealedForAnotherSink = sealConfig(channel, { url: 'https://example.com', token: 'x' }, cipher, { tenantId: 't1', sinkId: 'other' });
    const outcomes = await sendOnce(channel, { ...who, config: sealedForAnotherSink, version: '1' }, [testItem(), testItem()], new SenderCache({ cipher }), {
      onError: (_e, what) => errors.push(what),
    });
    expect(outcomes).toEqual(Array(2).fill(expect.objectContaining({ kind: 'permanent', reason: 'invalid_config' })));
    expect(errors).toEqual(['open']);
  });

  test('a channel that throws or miscounts never throws out of sendOnce: the items are retried', async () => {
    for (const behaviour of ['throw', 'short'] as const) {
      const { channel } = probeChannel(behaviour);
      const errors: string[] = [];
      const outcomes = await sendOnce(channel, { ...who, config: stored(channel), version: '1' }, [testItem()], new SenderCache({ cipher }), { onError: (_e, what) => errors.push(what) });
      expect(outcomes).toEqual([expect.objectContaining({ kind: 'retryable', reason: 'unknown' })]);
      expect(errors).toEqual(['send']);
    }
  });

  test('the cache is bounded: the least recently used sink goes first', async () => {
    const { channel, opened } = probeChannel();
    const senders = new SenderCache({ cipher, maxEntries: 2 });
    const sinkOf = (sinkId: string) => ({ tenantId: 't1', sinkId, config: sealConfig(channel, { url: 'https://example.com', token: sinkId }, cipher, { tenantId: 't1', sinkId }), version: '1' });
    for (const id of ['a', 'b', 'a', 'c', 'a', 'b']) await sendOnce(channel, sinkOf(id), [testItem()], senders);
    // a, b opened; a hit; c evicts b; a hit; b opened again.
    expect(opened.map((o) => o.token)).toEqual(['a', 'b', 'c', 'b']);
  });
});
