import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { channels } from '@tocsin/channels';
import { batchJobDataSchema, jobDataSchema, type DueDelivery } from './job.js';
import { Producer } from './producer.js';
import { openQueueStore } from './store.js';
import { testName } from '@tocsin/db/testing';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = testName('tq');
let producer: Producer;

beforeAll(() => {
  producer = new Producer(openQueueStore({ kind: 'redis', prefix, redis: { url: REDIS_URL }, databaseUrl: '' }));
});
afterAll(async () => {
  await producer.close();
  await producer.store.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const due = (n: number, channel: string, tenantId: string, sinkId: string): DueDelivery[] => Array.from({ length: n }, () => ({ id: randomUUID(), tenantId, sinkId, channel }));

test('a batching channel gets one job per sink and batch.maxEvents deliveries; others one job per delivery, keyed by its id', async () => {
  const tenant = randomUUID();
  const [sinkA, sinkB, hook] = [randomUUID(), randomUUID(), randomUUID()];
  const max = channels.splunk.batch!.maxEvents;
  const a = due(max + 5, 'splunk', tenant, sinkA);
  const b = due(3, 'splunk', tenant, sinkB);
  const hooks = due(4, 'webhook', tenant, hook);
  await producer.enqueue([...a.slice(0, 2), ...b, ...hooks, ...a.slice(2)]);

  const splunkJobs = await producer.queue('splunk').getJobs(['wait', 'prioritized']);
  const batches = splunkJobs.map((job) => batchJobDataSchema.parse(job.data));
  expect(batches.map((d) => [d.sink_id, d.delivery_ids.length]).sort()).toEqual(
    [
      [sinkA, max],
      [sinkA, 5],
      [sinkB, 3],
    ].sort(),
  );
  expect(batches.flatMap((d) => d.delivery_ids).sort()).toEqual([...a, ...b].map((d) => d.id).sort());

  const hookJobs = await producer.queue('webhook').getJobs(['wait', 'prioritized']);
  expect(hookJobs.map((job) => [job.id, jobDataSchema.parse(job.data).delivery_id]).sort()).toEqual(hooks.map((d) => [d.id, d.id]).sort());
});

test('enqueueLater delays a batch job', async () => {
  const data = { tenant_id: randomUUID(), sink_id: randomUUID(), delivery_ids: [randomUUID()] };
  await producer.enqueueLater('datadog', data, 60_000);
  const [job] = await producer.queue('datadog').getJobs(['delayed']);
  expect(job!.data).toEqual(data);
  expect(job!.opts.delay).toBe(60_000);
});

test('requeue replaces a one-delivery job BullMQ finished (completed or failed) and leaves a waiting one alone', async () => {
  const tenant = randomUUID();
  const sink = randomUUID();
  const [done, failed, waiting] = due(3, 'webhook', tenant, sink);
  await producer.enqueue([done!, failed!]);
  const { Worker } = await import('bullmq');
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(
    producer.queue('webhook').name,
    async (job) => {
      if (job.id === failed!.id) throw new (await import('bullmq')).UnrecoverableError('as past the stall limit');
    },
    { connection, prefix },
  );
  const queue = producer.queue('webhook');
  for (let i = 0; i < 200 && !((await queue.getJobState(done!.id)) === 'completed' && (await queue.getJobState(failed!.id)) === 'failed'); i++) await new Promise((r) => setTimeout(r, 25));
  await worker.close();
  connection.disconnect();
  expect([await queue.getJobState(done!.id), await queue.getJobState(failed!.id)]).toEqual(['completed', 'failed']);

  // enqueue is a no-op for an id BullMQ still holds; requeue adds them again.
  await producer.enqueue([done!, failed!]);
  expect([await queue.getJobState(done!.id), await queue.getJobState(failed!.id)]).toEqual(['completed', 'failed']);
  await producer.enqueue([waiting!]);
  const before = (await queue.getJob(waiting!.id))!.timestamp;
  await producer.requeue([done!, failed!, waiting!]);
  expect(await Promise.all([done!, failed!, waiting!].map((d) => queue.getJobState(d.id)))).toEqual(['waiting', 'waiting', 'waiting']);
  expect((await queue.getJob(waiting!.id))!.timestamp).toBe(before);
});
