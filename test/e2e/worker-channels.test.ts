import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { createLogger } from '@tocsin/config';
import { startWorker, type RunningWorker } from '@tocsin/worker';
import { eventually, startSystem, TestProducer, type System } from '../support/system.js';

/**
 * `tocsin worker --channels slack` runs a fleet for one channel: it takes Slack's queue and no
 * other. A webhook delivery of the same event waits, queued, for a worker that takes webhooks.
 */
let sys: System;
let receiver: Receiver;
let producer: TestProducer;
const started: RunningWorker[] = [];

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  receiver = await startReceiver();
  receiver.route('/slack', { status: 200, body: 'ok' });
  receiver.route('/hook', { status: 200 });
  producer = new TestProducer(sys.config);
});
afterAll(async () => {
  await Promise.all(started.map((w) => w.close()));
  await producer?.close();
  await receiver?.close();
  await sys?.close();
});

async function worker(channels: string[]): Promise<RunningWorker> {
  const w = await startWorker(sys.config, sys.box, createLogger('silent'), channels);
  started.push(w);
  return w;
}

test('a slack-only worker delivers the Slack delivery; the webhook one stays pending and queued until a webhook worker runs', async () => {
  const { tenantId, token } = await sys.tenant('team');
  for (const args of [{ Slack: { webhook_url: `${receiver.url}/slack` } }, { Webhook: { url: `${receiver.url}/hook` } }]) {
    const res = await sys.request('POST', '/v1/event_sink', token, { name: Object.keys(args)[0], event_sink_args: args, events: ['HONEYTOKEN_TRIPPED'] });
    expect(res.status).toBe(201);
  }
  const slackOnly = await worker(['slack']);
  expect(slackOnly.workers.map((w) => w.name)).toEqual(['{deliver.slack}']);

  const posted = await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' });
  expect(posted.body).toMatchObject({ deliveries: 2 });
  const byChannel = async () =>
    Object.fromEntries((await sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany({ where: { eventId: posted.body.id } }))).map((d) => [d.channel, d]));

  await eventually(async () => ((await byChannel()).slack?.state === 'delivered' ? true : undefined), 20_000, 'the Slack delivery');
  // The slack worker's relay has run too (it may re-enqueue due webhook rows): still one job
  // waiting in the webhook queue, never claimed.
  await eventually(async () => ((await producer.queue('webhook').getJobCounts('wait')).wait === 1 ? true : undefined), 10_000, 'a waiting webhook job');
  expect((await byChannel()).webhook).toMatchObject({ state: 'pending', attempts: 0 });
  expect(receiver.requests.map((r) => r.route)).toEqual(['/slack']);

  // The control: a worker for webhooks takes it.
  await worker(['webhook']);
  await eventually(async () => ((await byChannel()).webhook?.state === 'delivered' ? true : undefined), 20_000, 'the webhook delivery');
  expect(receiver.requests.map((r) => r.route).sort()).toEqual(['/hook', '/slack']);
});
