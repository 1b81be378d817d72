// Baseline: a bare BullMQ worker that POSTs each job with got, nothing else. Prints the rate as JSON.
import { Queue, Worker } from 'bullmq';
import got from 'got';
import { Redis } from 'ioredis';

const [redisUrl, target, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const prefix = `bench${process.pid}`;
const connection = new Redis(redisUrl!, { maxRetriesPerRequest: null });
const queue = new Queue('bare', { connection, prefix });
await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'j', data: { i, body: { action: 'HONEYTOKEN_TRIPPED', i } }, opts: { removeOnComplete: true } })));

let done = 0;
let first = 0;
const finished = new Promise<number>((resolve) => {
  const worker = new Worker(
    'bare',
    async (job) => {
      if (first === 0) first = performance.now();
      await got.post(target!, { json: job.data.body, retry: { limit: 0 } });
      done += 1;
      if (done === count) resolve(performance.now());
    },
    { connection, prefix, concurrency: Number(concurrencyArg) },
  );
  void worker;
});
const last = await finished;
process.stdout.write(`${JSON.stringify({ deliveries: count, seconds: (last - first) / 1000, perSecond: count / ((last - first) / 1000) })}\n`);
await queue.obliterate({ force: true });
process.exit(0);
