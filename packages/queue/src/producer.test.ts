import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { channels } from '@tocsin/channels';
import { batchJobDataSchema, jobDataSchema, type DueDelivery } from './job.js';
import { Producer } from './producer.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `tq${randomBytes(4).toString('hex')}`;
let producer: Producer;

beforeAll(() => {
  producer = new Producer({ redisUrl: REDIS_URL, prefix });
});
afterAll(async () => {
  await producer.close();
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

  const splunkJobs = await producer.queue('splunk').getJobs(['wait']);
  const batches = splunkJobs.map((job) => batchJobDataSchema.parse(job.data));
  expect(batches.map((d) => [d.sink_id, d.delivery_ids.length]).sort()).toEqual(
    [
      [sinkA, max],
      [sinkA, 5],
      [sinkB, 3],
    ].sort(),
  );
  expect(batches.flatMap((d) => d.delivery_ids).sort()).toEqual([...a, ...b].map((d) => d.id).sort());

  const hookJobs = await producer.queue('webhook').getJobs(['wait']);
  expect(hookJobs.map((job) => [job.id, jobDataSchema.parse(job.data).delivery_id]).sort()).toEqual(hooks.map((d) => [d.id, d.id]).sort());
});

test('enqueueLater delays a batch job', async () => {
  const data = { tenant_id: randomUUID(), sink_id: randomUUID(), delivery_ids: [randomUUID()] };
  await producer.enqueueLater('datadog', data, 60_000);
  const [job] = await producer.queue('datadog').getJobs(['delayed']);
  expect(job!.data).toEqual(data);
  expect(job!.opts.delay).toBe(60_000);
});
