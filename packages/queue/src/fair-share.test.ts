import { FairShare, MAX_PRIORITY } from './fair-share.js';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('a quiet tenant goes on the wait list (priority 0) until it has enqueued `quiet` deliveries lately', () => {
  const shares = new FairShare({ quiet: 3 }, clock().now);
  expect([1, 2, 3, 4, 5].map(() => shares.priority('webhook', 'a'))).toEqual([0, 0, 0, 3, 4]);
});

test('a busy tenant ranks behind its own recent volume; another tenant is not ranked by it', () => {
  const shares = new FairShare({ quiet: 10 }, clock().now);
  shares.priority('webhook', 'busy', 100_000);
  expect(shares.priority('webhook', 'busy')).toBe(100_000);
  expect(shares.priority('webhook', 'other')).toBe(0);
  // Per queue: the busy tenant's webhook backlog does not rank its Slack deliveries.
  expect(shares.priority('slack', 'busy')).toBe(0);
});

test('the count halves every half-life, so a tenant that went quiet is served first again', () => {
  const c = clock();
  const shares = new FairShare({ halfLifeMs: 1_000, quiet: 10 }, c.now);
  shares.priority('webhook', 'a', 1_000);
  c.advance(1_000);
  expect(shares.priority('webhook', 'a')).toBe(500);
  c.advance(10_000);
  expect(shares.priority('webhook', 'a')).toBe(0);
});

test('a job holding many deliveries counts them all, and no priority passes BullMQ’s limit', () => {
  const shares = new FairShare({ quiet: 10 }, clock().now);
  shares.priority('splunk', 'a', 5_000_000);
  expect(shares.priority('splunk', 'a')).toBe(MAX_PRIORITY);
});
