import { GroupCommit, ItemFailure } from './group-commit.js';

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

test('callers that arrive while a transaction is in flight share the next one', async () => {
  const batches: number[][] = [];
  const first = deferred();
  const gc = new GroupCommit<number, number>(
    async (items) => {
      batches.push(items);
      if (batches.length === 1) await first.gate;
      return items.map((i) => i * 10);
    },
    { lanes: 1 },
  );
  const a = gc.submit(1);
  const rest = [gc.submit(2), gc.submit(3), gc.submit(4)];
  first.release();
  expect(await Promise.all([a, ...rest])).toEqual([10, 20, 30, 40]);
  expect(batches).toEqual([[1], [2, 3, 4]]);
});

test('a failed shared transaction is retried item by item, once each, and only the bad item fails', async () => {
  const calls: number[][] = [];
  const first = deferred();
  const gc = new GroupCommit<number, string>(
    async (items) => {
      calls.push(items);
      if (calls.length === 1) await first.gate;
      if (items.includes(3)) throw new Error('bad item 3');
      return items.map(String);
    },
    { lanes: 1 },
  );
  const head = gc.submit(1);
  const results = [gc.submit(2), gc.submit(3), gc.submit(4)].map((p) => p.then((v) => ({ v }), (e: Error) => ({ e: e.message })));
  first.release();
  await head;
  expect(await Promise.all(results)).toEqual([{ v: '2' }, { e: 'bad item 3' }, { v: '4' }]);
  expect(calls).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
});

test('batches never exceed maxBatch', async () => {
  const sizes: number[] = [];
  const first = deferred();
  const gc = new GroupCommit<number, number>(
    async (items) => {
      sizes.push(items.length);
      if (sizes.length === 1) await first.gate;
      return items;
    },
    { lanes: 1, maxBatch: 3 },
  );
  const all = Array.from({ length: 8 }, (_, i) => gc.submit(i));
  first.release();
  expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(sizes).toEqual([1, 3, 3, 1]);
});

/** Settles a submission as a value or its error's message. */
const settle = <T>(p: Promise<T>) => p.then((v) => ({ v }), (e: Error) => ({ e: e.message }));

test('a failed shared transaction retries its items alone in parallel, lanes at a time, not one after another', async () => {
  let inFlight = 0;
  let most = 0;
  const first = deferred();
  const calls: number[][] = [];
  const gc = new GroupCommit<number, number>(
    async (items) => {
      calls.push(items);
      if (calls.length <= 3) return first.gate.then(() => items); // one in each lane, while the rest queue up
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      if (items.includes(7)) throw new Error('bad item 7');
      return items;
    },
    { lanes: 3 },
  );
  const heads = [0, 1, 2].map((i) => gc.submit(i));
  const rest = Array.from({ length: 9 }, (_, i) => settle(gc.submit(i + 3)));
  first.release();
  await Promise.all(heads);
  const settled = await Promise.all(rest);
  expect(settled.filter((s) => 'e' in s)).toEqual([{ e: 'bad item 7' }]);
  expect(settled.filter((s) => 'v' in s)).toHaveLength(8);
  expect(calls[3]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
  expect(most).toBe(3);
  // Each item of the failed batch was flushed twice: in the batch, then alone.
  for (let i = 3; i <= 11; i += 1) expect(calls.filter((c) => c.includes(i))).toHaveLength(2);
});

test('items the flush isolated fail on their own while the rest of the batch commits, with no retry', async () => {
  const calls: string[][] = [];
  const first = deferred();
  const gc = new GroupCommit<string, string>(
    async (items) => {
      calls.push(items);
      if (calls.length === 1) await first.gate;
      return items.map((i) => (i.startsWith('bad') ? new ItemFailure(new Error(`refused ${i}`), true) : i.toUpperCase()));
    },
    { lanes: 1 },
  );
  const head = gc.submit('a');
  const rest = ['b', 'bad1', 'c', 'bad2'].map((i) => settle(gc.submit(i)));
  first.release();
  await head;
  expect(await Promise.all(rest)).toEqual([{ v: 'B' }, { e: 'refused bad1' }, { v: 'C' }, { e: 'refused bad2' }]);
  expect(calls).toEqual([['a'], ['b', 'bad1', 'c', 'bad2']]);
});

test('items that failed in company are retried alone once: an innocent one commits, the bad one gets its own error', async () => {
  const calls: string[][] = [];
  const first = deferred();
  // Items of one "tenant" (the letter) fail together when any of them is bad, as one statement would.
  const gc = new GroupCommit<string, string>(
    async (items) => {
      calls.push(items);
      if (calls.length === 1) await first.gate;
      const badTenants = new Set(items.filter((i) => i.endsWith('!')).map((i) => i[0]));
      return items.map((i) => (badTenants.has(i[0]) ? new ItemFailure(new Error(`refused ${i[0]}`), items.filter((o) => o[0] === i[0]).length === 1) : i));
    },
    { lanes: 1 },
  );
  const head = gc.submit('a1');
  const rest = ['a2', 'b1', 'b2!', 'a3', 'b3'].map((i) => settle(gc.submit(i)));
  first.release();
  await head;
  expect(await Promise.all(rest)).toEqual([{ v: 'a2' }, { v: 'b1' }, { e: 'refused b' }, { v: 'a3' }, { v: 'b3' }]);
  expect(calls).toEqual([['a1'], ['a2', 'b1', 'b2!', 'a3', 'b3'], ['b1'], ['b2!'], ['b3']]);
});

test('a failure that is nobody in particular\'s (an outage) rejects the whole batch without retries', async () => {
  const calls: number[][] = [];
  const first = deferred();
  class Outage extends Error {}
  const gc = new GroupCommit<number, number>(
    async (items) => {
      calls.push(items);
      if (calls.length === 1) {
        await first.gate;
        return items;
      }
      throw new Outage('database down');
    },
    { lanes: 1, sharedFailure: (err) => err instanceof Outage },
  );
  const head = gc.submit(1);
  const rest = [2, 3, 4].map((i) => settle(gc.submit(i)));
  first.release();
  await head;
  expect(await Promise.all(rest)).toEqual([{ e: 'database down' }, { e: 'database down' }, { e: 'database down' }]);
  expect(calls).toEqual([[1], [2, 3, 4]]);
});
