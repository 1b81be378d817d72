import { defaultSinkConcurrency, MIN_WAIT_MS, SinkSlots } from './sink-slots.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('each sink has at most its channel’s bound in flight; a released slot can be taken again', () => {
  const c = clock();
  const slots = new SinkSlots((channel) => (channel === 'webhook' ? 2 : 1), () => 10_000, c.now);
  const a1 = slots.take('webhook', 'a');
  const a2 = slots.take('webhook', 'a');
  expect([a1, a2].every((s) => 'release' in s)).toBe(true);
  expect(slots.take('webhook', 'a')).toEqual({ retryInMs: MIN_WAIT_MS });
  // Another sink is not held back by the first one's slots.
  expect('release' in slots.take('webhook', 'b')).toBe(true);
  expect('release' in slots.take('slack', 'c')).toBe(true);
  expect('retryInMs' in slots.take('slack', 'c')).toBe(true);
  if ('release' in a1) {
    a1.release();
    a1.release(); // twice frees one slot only
  }
  expect('release' in slots.take('webhook', 'a')).toBe(true);
  expect('retryInMs' in slots.take('webhook', 'a')).toBe(true);
});

test('the wait follows the age of the sink’s oldest send in flight, up to the channel’s timeout', () => {
  const c = clock();
  const slots = new SinkSlots(() => 1, () => 2_000, c.now);
  const first = slots.take('webhook', 'hanging');
  expect('release' in first).toBe(true);
  c.advance(100);
  expect(slots.take('webhook', 'hanging')).toEqual({ retryInMs: MIN_WAIT_MS });
  c.advance(900);
  expect(slots.take('webhook', 'hanging')).toEqual({ retryInMs: 1_000 });
  c.advance(5_000);
  expect(slots.take('webhook', 'hanging')).toEqual({ retryInMs: 2_000 });
  if ('release' in first) first.release();
  expect('release' in slots.take('webhook', 'hanging')).toBe(true);
});

test('the default bound is a quarter of the channel’s concurrency, at least one', () => {
  expect([32, 4, 3, 1].map(defaultSinkConcurrency)).toEqual([8, 1, 1, 1]);
});
