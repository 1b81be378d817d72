import { defaultSinkConcurrency, MAX_PUT_OFF_MS, MIN_WAIT_MS, SinkSlots, type Slot } from './sink-slots.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const slotOf = (taken: Slot | { retryInMs: number }): Slot => {
  if (!('release' in taken)) throw new Error(`expected a slot, was told to wait ${taken.retryInMs} ms`);
  return taken;
};

test('each sink has at most its channel’s bound in flight; a released slot can be taken again', async () => {
  const c = clock();
  const slots = new SinkSlots((channel) => (channel === 'webhook' ? 2 : 1), () => 10_000, c.now);
  const a1 = slotOf(await slots.take('webhook', 'a'));
  slotOf(await slots.take('webhook', 'a'));
  c.advance(MIN_WAIT_MS); // its sends are no longer young: a job is put off, not held here
  expect(await slots.take('webhook', 'a')).toEqual({ retryInMs: MIN_WAIT_MS });
  // Another sink is not held back by the first one's slots.
  slotOf(await slots.take('webhook', 'b'));
  slotOf(await slots.take('slack', 'c'));
  c.advance(MIN_WAIT_MS);
  expect('retryInMs' in (await slots.take('slack', 'c'))).toBe(true);
  a1.release();
  a1.release(); // twice frees one slot only
  slotOf(await slots.take('webhook', 'a'));
  expect('retryInMs' in (await slots.take('webhook', 'a'))).toBe(true);
});

test('the wait follows the age of the sink’s oldest send in flight, up to the channel’s timeout', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 1, () => 2_000, c.now);
  const first = slotOf(await slots.take('webhook', 'hanging'));
  c.advance(300);
  expect(await slots.take('webhook', 'hanging')).toEqual({ retryInMs: 300 });
  c.advance(700);
  expect(await slots.take('webhook', 'hanging')).toEqual({ retryInMs: 1_000 });
  c.advance(5_000);
  expect(await slots.take('webhook', 'hanging')).toEqual({ retryInMs: 2_000 });
  first.release();
  slotOf(await slots.take('webhook', 'hanging'));
});

test('each time the same job is put off again its wait doubles, up to the longest put-off', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 1, () => 2_000, c.now);
  slotOf(await slots.take('webhook', 'hanging'));
  c.advance(5_000);
  const waits = [];
  for (const times of [0, 1, 2, 3, 4, 5, 40]) waits.push(await slots.take('webhook', 'hanging', times));
  expect(waits.map((w) => ('retryInMs' in w ? w.retryInMs : 'slot'))).toEqual([2_000, 4_000, 8_000, 16_000, MAX_PUT_OFF_MS, MAX_PUT_OFF_MS, MAX_PUT_OFF_MS]);
});

test('the jobs put off for one sink come back in turn, one send’s time over the bound apart', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 2, () => 2_000, c.now);
  const [a, b] = [slotOf(await slots.take('webhook', 'hanging')), slotOf(await slots.take('webhook', 'hanging'))];
  c.advance(2_000); // both sends time out: a send takes 2 s, two at a time, so a slot frees each second
  a.release();
  b.release();
  slotOf(await slots.take('webhook', 'hanging'));
  slotOf(await slots.take('webhook', 'hanging'));
  const waits = [];
  for (let i = 0; i < 40; i++) waits.push(await slots.take('webhook', 'hanging'));
  const ms = waits.map((w) => ('retryInMs' in w ? w.retryInMs : 'slot'));
  expect(ms.slice(0, 4)).toEqual([1_000, 2_000, 3_000, 4_000]);
  expect(ms.slice(29)).toEqual(Array(11).fill(MAX_PUT_OFF_MS));
  // A turn that has passed is not owed: later, the next job waits from now.
  c.advance(60_000);
  expect(await slots.take('webhook', 'hanging')).toEqual({ retryInMs: 2_000 });
});

test('a job of a busy but fast sink waits here for the next free slot, first come first served', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 2, () => 10_000, c.now);
  // Until one of its sends has finished fast, the sink is not known to be fast: a job is put off.
  const held = [slotOf(await slots.take('webhook', 'fast')), slotOf(await slots.take('webhook', 'fast')), slotOf(await slots.take('webhook', 'other'))];
  held.length = 2;
  expect(await slots.take('webhook', 'fast')).toEqual({ retryInMs: MIN_WAIT_MS });
  c.advance(10);
  held[0]!.release();
  held[0] = slotOf(await slots.take('webhook', 'fast'));
  const order: string[] = [];
  const w1 = slots.take('webhook', 'fast').then((s) => (order.push('w1'), s));
  const w2 = slots.take('webhook', 'fast').then((s) => (order.push('w2'), s));
  held[1]!.release();
  const first = slotOf(await w1);
  expect(order).toEqual(['w1']);
  held[0]!.release();
  slotOf(await w2);
  expect(order).toEqual(['w1', 'w2']);
  // Both handed-over slots count: the sink is at its bound again.
  c.advance(MIN_WAIT_MS);
  expect('retryInMs' in (await slots.take('webhook', 'fast'))).toBe(true);
  first.release();
  slotOf(await slots.take('webhook', 'fast'));
});

test('once the sink’s oldest send is older than the short wait, a new job is put off at once', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 1, () => 10_000, c.now);
  slotOf(await slots.take('webhook', 'slowing'));
  c.advance(MIN_WAIT_MS);
  expect(await slots.take('webhook', 'slowing')).toEqual({ retryInMs: MIN_WAIT_MS });
});

test('a sink whose last send was slow (a hanging receiver timing out) gets no waiters', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 2, () => 10_000, c.now);
  const [a, b] = [slotOf(await slots.take('webhook', 'hanging')), slotOf(await slots.take('webhook', 'hanging'))];
  c.advance(2_000); // both sends time out
  a.release();
  slotOf(await slots.take('webhook', 'hanging'));
  b.release();
  slotOf(await slots.take('webhook', 'hanging')); // at the bound again, with two young sends
  const started = performance.now();
  // Its turn: a slot frees each second (2 s a send, two at a time).
  expect(await slots.take('webhook', 'hanging')).toEqual({ retryInMs: 1_000 });
  expect(performance.now() - started).toBeLessThan(MIN_WAIT_MS / 2); // put off at once, not after a wait
});

test('a fast sink is still known fast after an idle spell: the first burst after a pause waits here', async () => {
  const c = clock();
  const slots = new SinkSlots(() => 1, () => 10_000, c.now);
  slotOf(await slots.take('webhook', 'fast')).release(); // finished at once: fast, and now idle
  c.advance(60_000);
  const first = slotOf(await slots.take('webhook', 'fast'));
  const waiting = slots.take('webhook', 'fast'); // at the bound: waits instead of being put off
  c.advance(5);
  first.release();
  slotOf(await waiting);
});

test('a waiting job that gets no slot within the short wait is put off after all', async () => {
  const slots = new SinkSlots(() => 2, () => 10_000);
  const first = slotOf(await slots.take('webhook', 'busy'));
  slotOf(await slots.take('webhook', 'busy'));
  first.release(); // finished at once: the sink is fast
  slotOf(await slots.take('webhook', 'busy'));
  const started = performance.now();
  const [once, twice] = await Promise.all([slots.take('webhook', 'busy'), slots.take('webhook', 'busy', 1)]);
  expect(performance.now() - started).toBeGreaterThanOrEqual(MIN_WAIT_MS - 5);
  // Its wait here counts as one more put-off: one put off before now waits twice as long.
  expect([once, twice]).toEqual([{ retryInMs: MIN_WAIT_MS }, { retryInMs: 2 * MIN_WAIT_MS }]);
});

test('the default bound is a quarter of the channel’s concurrency, at least one', () => {
  expect([32, 4, 3, 1].map(defaultSinkConcurrency)).toEqual([8, 1, 1, 1]);
});
