import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, queuedJobs, startSystem, TestProducer, type System } from '../support/system.js';

/**
 * Fairness between tenants on one channel queue: one tenant with 100,000 queued deliveries does not
 * delay another tenant's first delivery by more than a second. The backlog is real: events posted
 * through the api, one webhook delivery each, to a receiver that answers slowly, so the worker
 * stays busy with the backlog throughout.
 */
const BACKLOG = 100_000;
const BATCH = 1_000;
const ACTION = 'HONEYTOKEN_TRIPPED';

let sys: System;
let slow: Receiver;
let fast: Receiver;
let producer: TestProducer;
beforeAll(async () => {
  slow = await startReceiver({ defaultResponse: { status: 200, delayMs: 200 } });
  fast = await startReceiver();
  // The relay's grace is long: the backlog is the api's enqueue, measured without the relay's.
  sys = await startSystem({ config: { TOCSIN_RELAY_GRACE_MS: 600_000 } });
  producer = new TestProducer(sys.config);
});
afterAll(async () => {
  await producer?.close();
  await sys?.close();
  await slow?.close();
  await fast?.close();
});

async function webhookTenant(url: string) {
  const t = await sys.tenant('team');
  const created = await sys.request('POST', '/v1/event_sink', t.token, { name: 'hook', event_sink_args: { Webhook: { url } }, events: [ACTION] });
  expect(created.status).toBe(201);
  return t;
}

test(`a tenant's ${BACKLOG.toLocaleString('en')} queued deliveries delay another tenant's first delivery by under a second`, async () => {
  const busy = await webhookTenant(`${slow.url}/busy`);
  const batches = Array.from({ length: BACKLOG / BATCH }, (_, b) => ({ events: Array.from({ length: BATCH }, (_, n) => ({ action: ACTION, detail: { n: b * BATCH + n } })) }));
  for (let i = 0; i < batches.length; i += 4) {
    const answers = await Promise.all(batches.slice(i, i + 4).map((body) => sys.request('POST', '/v1/events', busy.token, body)));
    expect(answers.map((a) => (a.status === 202 ? 202 : a.body))).toEqual(answers.map(() => 202));
  }
  const queue = producer.queue('webhook');
  // Most of the backlog is still queued (the worker sends about 160 a second to the slow receiver).
  const backlog = await eventually(async () => {
    const n = await queuedJobs(queue);
    return n > BACKLOG * 0.8 ? n : undefined;
  }, 30_000, 'the backlog queued');

  // Three other tenants, one after another: each one's first delivery, from 202 to arrival.
  const latencies: number[] = [];
  for (const name of ['quiet-1', 'quiet-2', 'quiet-3']) {
    const quiet = await webhookTenant(`${fast.url}/${name}`);
    const before = fast.requests.length;
    const posted = await sys.request('POST', '/v1/events', quiet.token, { action: ACTION, detail: { name } });
    expect(posted.status).toBe(202);
    const accepted = Date.now();
    const [arrival] = (await fast.waitForRequests(before + 1, 30_000)).slice(before);
    expect(arrival!.path).toBe(`/${name}`);
    latencies.push(arrival!.receivedAt - accepted);
  }
  const stillQueued = await queuedJobs(queue);
  console.log(`fairness: ${backlog} queued for one tenant (${stillQueued} still after); other tenants' first delivery after ${latencies.join(', ')} ms`);
  // The backlog was there throughout: without fairness each of them would wait for all of it.
  expect(stillQueued).toBeGreaterThan(BACKLOG / 2);
  expect([...latencies].sort((a, b) => a - b)[1]).toBeLessThan(1_000);
}, 240_000);
