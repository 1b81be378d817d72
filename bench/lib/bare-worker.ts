// Baseline: a bare BullMQ worker that POSTs each job with got, nothing else. Prints the rate as JSON.
// Its queue is on Redis for a redis:// URL, on BullMQ's PostgreSQL backend for a postgresql:// one.
import { createPostgresBackend, Queue, Worker, type Processor } from 'bullmq';
import got from 'got';
import { Redis } from 'ioredis';

const [storeUrl, target, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const onPostgres = storeUrl!.startsWith('postgres');
const prefix = `bench${process.pid}`;
const redis = onPostgres ? undefined : new Redis(storeUrl!, { maxRetriesPerRequest: null });
const pgConnection = { connectionString: storeUrl!, migrate: true, max: concurrency + 2 };
const newQueue = () => (onPostgres ? (new Queue('bare', { connection: pgConnection }, createPostgresBackend) as unknown as Queue) : new Queue('bare', { connection: redis!, prefix }));
const newWorker = (processor: Processor) =>
  onPostgres ? (new Worker('bare', processor, { connection: pgConnection, concurrency }, createPostgresBackend) as unknown as Worker) : new Worker('bare', processor, { connection: redis!, prefix, concurrency });

const queue = newQueue();
await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'j', data: { i, body: { action: 'HONEYTOKEN_TRIPPED', i } }, opts: { removeOnComplete: true } })));

let done = 0;
let first = 0;
const finished = new Promise<number>((resolve) => {
  newWorker(async (job) => {
    if (first === 0) first = performance.now();
    await got.post(target!, { json: job.data.body, retry: { limit: 0 } });
    done += 1;
    if (done === count) resolve(performance.now());
  });
});
const last = await finished;
process.stdout.write(`${JSON.stringify({ deliveries: count, seconds: (last - first) / 1000, perSecond: count / ((last - first) / 1000) })}\n`);
await queue.obliterate({ force: true });
process.exit(0);
