import { workerNodeArgs } from './node-args.js';

const config = { TOCSIN_WORKER_HEAP_MB: 512 };

test("the worker gets the heap limit and semi-space size after this process's own options", () => {
  expect(workerNodeArgs(config, ['--enable-source-maps'], '')).toEqual(['--enable-source-maps', '--max-old-space-size=512', '--max-semi-space-size=4']);
  expect(workerNodeArgs({ TOCSIN_WORKER_HEAP_MB: 300 }, [], '--experimental-vm-modules')).toEqual(['--max-old-space-size=300', '--max-semi-space-size=4']);
});

test('a limit the operator gave, as an option or in NODE_OPTIONS, is left alone', () => {
  expect(workerNodeArgs(config, ['--max-old-space-size=2048'], '')).toEqual(['--max-old-space-size=2048', '--max-semi-space-size=4']);
  expect(workerNodeArgs(config, [], '--max-old-space-size=2048 --max-semi-space-size=16')).toEqual([]);
});
