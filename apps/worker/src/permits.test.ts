import { Permits } from './permits.js';

test('never lets more than `size` holders run at once, and serves waiters in order', async () => {
  const permits = new Permits(3);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const gates: (() => void)[] = [];
  const tasks = Array.from({ length: 10 }, (_, i) =>
    permits.with(async () => {
      running += 1;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
    }),
  );
  // Release holders one by one; each release admits exactly one waiter.
  for (let released = 0; released < 10; released += 1) {
    await new Promise((r) => setImmediate(r));
    expect(running).toBeLessThanOrEqual(3);
    gates.shift()!();
  }
  await Promise.all(tasks);
  expect(peak).toBe(3);
  expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('gives the permit back when the holder throws', async () => {
  const permits = new Permits(1);
  await expect(permits.with(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(permits.with(async () => 'next')).resolves.toBe('next');
});

test('keeps arrival order across thousands of waiters, some arriving while others are served', async () => {
  const permits = new Permits(1);
  const order: number[] = [];
  let running = 0;
  let peak = 0;
  const hold = (i: number) =>
    permits.with(async () => {
      running += 1;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((r) => setImmediate(r));
      running -= 1;
    });
  const first = Array.from({ length: 3000 }, (_, i) => hold(i));
  // Let about half of them through (past the point where the queue compacts), then add more.
  while (order.length < 1500) await new Promise((r) => setImmediate(r));
  expect(order.length).toBeLessThan(3000);
  const later = Array.from({ length: 2000 }, (_, i) => hold(3000 + i));
  await Promise.all([...first, ...later]);
  expect(peak).toBe(1);
  expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
});
