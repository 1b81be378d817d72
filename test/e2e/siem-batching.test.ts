/**
 * Batching through the real worker: many deliveries of one Splunk sink share HEC requests, each
 * delivery is still claimed, recorded and decided on its own row, and what HEC did not accept is
 * all that is sent again.
 */
import { randomUUID } from 'node:crypto';
import { requestBody, startReceiver, type ReceivedRequest, type Receiver } from '@tocsin/channels/testing';
import { channels } from '@tocsin/channels';
import { eventually, startSystem, TestProducer, type System } from '../support/system.js';

const TOKEN = '5f0c3a7e-1b2d-4c8e-9f6a-0d1e2f3a4b5c';
const HEC_PATH = '/services/collector/event';
const LIMITS = channels.splunk.batch!;
const SUCCESS = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"text":"Success","code":0}' };

let sys: System;
let tenant: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem();
  tenant = await sys.tenant('enterprise');
});
afterAll(async () => sys?.close());

/** The HEC event objects of one request: JSON objects one after another, as HEC reads them. */
function hecEvents(req: ReceivedRequest): { event: { id: string; detail: Record<string, unknown> } }[] {
  const text = requestBody(req);
  const events = [];
  let start = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth += 1;
    else if (c === '}' && (depth -= 1) === 0) {
      events.push(JSON.parse(text.slice(start, i + 1)));
      start = i + 1;
    }
  }
  expect(text.slice(start).trim()).toBe('');
  return events;
}

async function splunkSink(receiver: Receiver): Promise<string> {
  // Only the posted action: with `*` the sink would also get its own EVENT_SINK_CREATED audit event.
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'splunk', event_sink_args: { Splunk: { url: receiver.url, token: TOKEN } }, events: ['HONEYTOKEN_TRIPPED'] });
  expect(res.status).toBe(201);
  return res.body.event_sink.id;
}

/** Posts `n` HONEYTOKEN_TRIPPED events; `detail` of the i-th from `detailOf(i)`. Answers the event ids in order. */
async function post(n: number, detailOf: (i: number) => Record<string, unknown> = () => ({})): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), action: 'HONEYTOKEN_TRIPPED', detail: { i, ...detailOf(i) } }));
  const res = await sys.request('POST', '/v1/events', tenant.token, { events });
  expect(res.status).toBe(202);
  return events.map((e) => e.id);
}

async function deliveriesOf(sinkId: string, count: number) {
  return eventually(async () => {
    const rows = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findMany({ where: { sinkId } }));
    return rows.length === count && rows.every((r) => ['delivered', 'failed'].includes(r.state)) ? rows : undefined;
  }, 60_000, `${count} deliveries of ${sinkId} to finish`);
}

test('500 events for one sink arrive in a few requests within HEC limits, each delivered once', async () => {
  const receiver = await startReceiver({ defaultResponse: SUCCESS });
  try {
    const sinkId = await splunkSink(receiver);
    const ids = await post(500);
    const rows = await deliveriesOf(sinkId, 500);
    expect(rows.every((r) => r.state === 'delivered' && r.attempts === 1)).toBe(true);

    const requests = receiver.requests.filter((r) => r.path === HEC_PATH);
    expect(requests.length).toBeLessThanOrEqual(25);
    for (const req of requests) {
      expect(req.headers.authorization).toBe(`Splunk ${TOKEN}`);
      expect(Buffer.byteLength(requestBody(req))).toBeLessThan(LIMITS.maxBytes + 1);
      expect(hecEvents(req).length).toBeLessThanOrEqual(LIMITS.maxEvents);
    }
    const sent = requests.flatMap((req) => hecEvents(req).map((e) => e.event.id));
    expect(sent.sort()).toEqual([...ids].sort());
  } finally {
    await receiver.close();
  }
});

test('a batch answered 503 is retried and every delivery is still accepted exactly once', async () => {
  const receiver = await startReceiver({ defaultResponse: SUCCESS });
  receiver.script({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"text":"Server is busy","code":9}' });
  try {
    const sinkId = await splunkSink(receiver);
    const ids = await post(50);
    const rows = await deliveriesOf(sinkId, 50);
    expect(rows.every((r) => r.state === 'delivered')).toBe(true);

    const [busy, ...rest] = receiver.requests.filter((r) => r.path === HEC_PATH);
    const refused = new Set(hecEvents(busy!).map((e) => e.event.id));
    expect(refused.size).toBeGreaterThan(0);
    const accepted = rest.flatMap((req) => hecEvents(req).map((e) => e.event.id));
    expect(accepted.sort()).toEqual([...ids].sort());
    // HEC's code 9 is its throttle signal. The refused ones took a second attempt, each recorded on its own row; the others one.
    const eventOf = new Map(rows.map((r) => [r.id, r.eventId]));
    for (const row of rows) expect(row.attempts).toBe(refused.has(eventOf.get(row.id)!) ? 2 : 1);
    const attempts = await sys.db.withTenant(tenant.tenantId, (tx) => tx.deliveryAttempt.findMany({ where: { deliveryId: { in: rows.map((r) => r.id) } } }));
    expect(attempts).toHaveLength(50 + refused.size);
    expect(new Set(attempts.filter((a) => a.outcome === 'retryable').map((a) => `${a.statusCode} ${a.errorCode}`))).toEqual(new Set(['503 rate_limited']));
  } finally {
    await receiver.close();
  }
});

test('a partial 400 (invalid-event-number) fails that event alone and re-sends only the rest', async () => {
  const receiver = await startReceiver();
  // Like HEC: events before the bad one are indexed, the bad one is reported, the rest dropped.
  const indexed: string[] = [];
  receiver.route(HEC_PATH, (req) => {
    const events = hecEvents(req);
    const bad = events.findIndex((e) => e.event.detail.poison === true);
    indexed.push(...events.slice(0, bad < 0 ? events.length : bad).map((e) => e.event.id));
    if (bad < 0) return SUCCESS;
    return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Invalid data format', code: 6, 'invalid-event-number': bad }) };
  });
  try {
    const sinkId = await splunkSink(receiver);
    const ids = await post(20, (i) => (i === 7 ? { poison: true } : {}));
    const rows = await deliveriesOf(sinkId, 20);
    const byEvent = new Map(rows.map((r) => [r.eventId, r]));

    expect(byEvent.get(ids[7]!)).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 400, lastErrorCode: 'client_error' });
    expect(byEvent.get(ids[7]!)!.lastError).toContain('Invalid data format');
    const others = ids.filter((_, i) => i !== 7);
    expect(others.every((id) => byEvent.get(id)!.state === 'delivered' && byEvent.get(id)!.attempts === 1)).toBe(true);
    expect([...indexed].sort()).toEqual([...others].sort());
  } finally {
    await receiver.close();
  }
});

test('a delivery named by two batch jobs (the api\'s and the relay\'s) is sent once: the second claim respects the lease', async () => {
  const receiver = await startReceiver({ defaultResponse: { ...SUCCESS, delayMs: 300 } });
  const producer = new TestProducer(sys.config);
  try {
    const sinkId = await splunkSink(receiver);
    const ids = await post(200);
    const pending = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findMany({ where: { sinkId } }));
    // Every delivery again, at once, as the relay would after the grace.
    await producer.enqueue(pending.map((d) => ({ id: d.id, tenantId: tenant.tenantId, sinkId, channel: 'splunk' })));
    const rows = await deliveriesOf(sinkId, 200);
    expect(rows.every((r) => r.state === 'delivered' && r.attempts === 1)).toBe(true);
    const sent = receiver.requests.filter((r) => r.path === HEC_PATH).flatMap((req) => hecEvents(req).map((e) => e.event.id));
    expect(sent.sort()).toEqual([...ids].sort());

    // Each batch job says what it did; together: 200 delivered, 200 found done or in flight.
    const jobs = await eventually(async () => {
      const done = await producer.queue('splunk').getJobs(['completed']);
      const ours = done.filter((job) => job.data.sink_id === sinkId);
      return ours.reduce((n, job) => n + job.data.delivery_ids.length, 0) === 400 ? ours : undefined;
    }, 20_000, 'both rounds of batch jobs to complete');
    const total = (key: string) => jobs.reduce((n, job) => n + (job.returnvalue as Record<string, number>)[key]!, 0);
    expect([total('delivered'), total('finished')]).toEqual([200, 200]);
  } finally {
    await producer.close();
    await receiver.close();
  }
});
