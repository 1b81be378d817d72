import { defaultSinkConcurrency, SinkSlots } from './sink-slots.js';

test('each sink has at most its channel’s bound in flight; a released slot can be taken again', () => {
  const slots = new SinkSlots((channel) => (channel === 'webhook' ? 2 : 1));
  expect([slots.tryTake('webhook', 'a'), slots.tryTake('webhook', 'a'), slots.tryTake('webhook', 'a')]).toEqual([true, true, false]);
  // Another sink is not held back by the first one's slots.
  expect(slots.tryTake('webhook', 'b')).toBe(true);
  expect([slots.tryTake('slack', 'c'), slots.tryTake('slack', 'c')]).toEqual([true, false]);
  slots.release('a');
  expect([slots.tryTake('webhook', 'a'), slots.tryTake('webhook', 'a')]).toEqual([true, false]);
});

test('the default bound is a quarter of the channel’s concurrency, at least one', () => {
  expect([32, 4, 3, 1].map(defaultSinkConcurrency)).toEqual([8, 1, 1, 1]);
});
