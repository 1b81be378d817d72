import { GroupCommit } from './group-commit.js';

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

test('a failed shared transaction is retried item by item, and only the bad item fails', async () => {
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
