import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { channels } from '@tocsin/channels';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * GET /metrics on the api and on the worker's metrics port, read with someone else's parser of
 * the Prometheus text format, while real deliveries go to loopback receivers.
 */
interface Sample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ACTION = 'SSH_CA_ROTATED';
const CHANNEL_IDS = Object.values(channels).map((c) => c.id);

let sys: System;
let receiver: Receiver;
let workerUrl: string;

async function scrape(base: string): Promise<Family[]> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

const family = (families: Family[], name: string) => families.find((f) => f.name === name);

/** The value of the sample whose labels include `labels` (0 when the series does not exist yet). */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const sample = family(families, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? 0 : Number(sample.value);
}

/**
 * A labelled histogram's count. This parser folds every label set of a histogram into one bucket
 * map (it keeps neither labels nor _count for them), so its +Inf bucket is the count of the last
 * label set written; in this suite only the webhook channel delivers, so that is webhook's.
 */
function histogramCount(families: Family[], name: string): number {
  const buckets = family(families, name)?.metrics[0]?.buckets;
  return buckets?.['+Inf'] === undefined ? 0 : Number(buckets['+Inf']);
}

async function sinkFor(path: string, args: Record<string, unknown> = {}) {
  const tenant = await sys.tenant('team');
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: path, event_sink_args: { Webhook: { url: `${receiver.url}${path}`, secret: SECRET, ...args } }, events: [ACTION] });
  expect(res.status).toBe(201);
  return { ...tenant, sinkId: res.body.event_sink.id as string };
}

async function post(token: string, body: unknown, headers: Record<string, string> = {}) {
  return sys.request('POST', '/v1/events', token, body, headers);
}

async function deliveriesOf(tenantId: string) {
  return sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany());
}

beforeAll(async () => {
  // Three counted tries, fast: a failing sink's deliveries fail for good within a second or two.
  sys = await startSystem({ config: { TOCSIN_METRICS_PORT: 0, TOCSIN_RETRY_MAX_ATTEMPTS: 3 } });
  expect(sys.worker?.metricsPort).toEqual(expect.any(Number));
  workerUrl = `http://127.0.0.1:${sys.worker!.metricsPort}`;
  receiver = await startReceiver();
  receiver.route('/ok', { status: 200 });
  receiver.route('/fail', { status: 500, body: 'upstream exploded' });
  receiver.route('/gone', { status: 410 });
  receiver.route('/slow', { status: 200, delayMs: 1_500 });
});
afterAll(async () => {
  await receiver?.close();
  await sys?.close();
});

test('both endpoints parse, with every family the dashboard and alerts use, and a queue depth per queue', async () => {
  const api = await scrape(sys.url);
  const worker = await scrape(workerUrl);
  for (const name of ['tocsin_http_requests_total', 'tocsin_queue_depth', 'tocsin_deliveries_undelivered', 'tocsin_relay_lag_seconds', 'tocsin_circuits_open', 'tocsin_metrics_source_up', 'tocsin_ingest_requests_total', 'tocsin_ingest_events_total']) {
    expect([name, family(api, name)?.name]).toEqual([name, name]);
  }
  for (const name of ['tocsin_delivery_attempts_total', 'tocsin_deliveries_total', 'tocsin_delivery_latency_seconds', 'tocsin_attempt_duration_seconds', 'tocsin_relay_enqueued_total', 'tocsin_relay_rounds_total']) {
    expect([name, family(worker, name)?.name]).toEqual([name, name]);
  }
  const depth = family(api, 'tocsin_queue_depth')!;
  expect(depth.type).toBe('GAUGE');
  expect(depth.metrics.map((m) => m.labels?.channel).sort()).toEqual([...CHANNEL_IDS].sort());
  for (const m of depth.metrics) expect(Number(m.value)).toBeGreaterThanOrEqual(0);
  expect(value(api, 'tocsin_metrics_source_up', { source: 'postgres' })).toBe(1);
  expect(value(api, 'tocsin_metrics_source_up', { source: 'redis' })).toBe(1);
  // The relay ran at start: its rounds are counted.
  expect(value(worker, 'tocsin_relay_rounds_total', { outcome: 'ok' })).toBeGreaterThan(0);
});

test('delivered events move the delivered counter, the attempts and the latency histogram by N; ingest counts them', async () => {
  const ok = await sinkFor('/ok');
  const [api0, worker0] = [await scrape(sys.url), await scrape(workerUrl)];
  const N = 4;
  const id = randomUUID();
  expect((await post(ok.token, { events: [{ id, action: ACTION }, ...Array.from({ length: N - 1 }, () => ({ action: ACTION }))] })).status).toBe(202);
  expect((await post(ok.token, { id, action: ACTION })).status).toBe(202); // a duplicate: stored and delivered once
  expect((await post(ok.token, { action: 'not printable \u0001' })).status).toBe(400);
  await eventually(async () => ((await deliveriesOf(ok.tenantId)).filter((d) => d.state === 'delivered').length === N ? true : undefined), 20_000, 'N deliveries');
  const [api1, worker1] = [await scrape(sys.url), await scrape(workerUrl)];
  const delta = (a: Family[], b: Family[], name: string, labels: Record<string, string>) => value(b, name, labels) - value(a, name, labels);

  expect(delta(worker0, worker1, 'tocsin_deliveries_total', { channel: 'webhook', outcome: 'delivered', reason: 'none' })).toBe(N);
  expect(delta(worker0, worker1, 'tocsin_delivery_attempts_total', { channel: 'webhook', outcome: 'delivered', reason: 'none' })).toBe(N);
  expect(histogramCount(worker1, 'tocsin_delivery_latency_seconds') - histogramCount(worker0, 'tocsin_delivery_latency_seconds')).toBe(N);
  expect(delta(api0, api1, 'tocsin_ingest_requests_total', { outcome: 'accepted' })).toBe(2);
  expect(delta(api0, api1, 'tocsin_ingest_requests_total', { outcome: 'refused' })).toBe(1);
  expect(delta(api0, api1, 'tocsin_ingest_events_total', { outcome: 'accepted' })).toBe(N);
  expect(delta(api0, api1, 'tocsin_ingest_events_total', { outcome: 'duplicate' })).toBe(1);
  expect(delta(api0, api1, 'tocsin_http_requests_total', { method: 'POST', code: '202' })).toBe(2);
  expect(delta(api0, api1, 'tocsin_http_requests_total', { method: 'POST', code: '400' })).toBe(1);
  // Nothing left undelivered for webhook.
  expect(value(api1, 'tocsin_deliveries_undelivered', { channel: 'webhook' })).toBe(0);
});

test('a sink that keeps failing moves the failure counters with its reason, and logs one warning per attempt with the reason and no secret', async () => {
  const fail = await sinkFor('/fail');
  const worker0 = await scrape(workerUrl);
  const M = 2;
  for (let i = 0; i < M; i += 1) expect((await post(fail.token, { action: ACTION })).status).toBe(202);
  const rows = await eventually(async () => {
    const all = await deliveriesOf(fail.tenantId);
    return all.length === M && all.every((d) => d.state === 'failed') ? all : undefined;
  }, 30_000, 'failing deliveries to fail');
  const attempts = rows.reduce((n, d) => n + d.attempts, 0);
  expect(attempts).toBe(3 * M);
  const worker1 = await scrape(workerUrl);
  const delta = (name: string, labels: Record<string, string>) => value(worker1, name, labels) - value(worker0, name, labels);
  expect(delta('tocsin_delivery_attempts_total', { channel: 'webhook', outcome: 'retryable', reason: 'server_error' })).toBe(attempts);
  expect(delta('tocsin_deliveries_total', { channel: 'webhook', outcome: 'failed', reason: 'server_error' })).toBe(M);

  const lines = sys.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const row of rows) {
    const mine = lines.filter((l) => l.deliveryId === row.id && (l.level as number) >= 40);
    expect(mine.map((l) => [l.reason, l.attempt])).toEqual(Array.from({ length: row.attempts }, (_, i) => ['server_error', i + 1]));
  }
  expect(sys.logs.filter((l) => l.includes(SECRET))).toEqual([]);
});

test('a 410 Gone opens the circuit: the gauge counts the sink and the held delivery is counted with its reason', async () => {
  const gone = await sinkFor('/gone');
  const [api0, worker0] = [await scrape(sys.url), await scrape(workerUrl)];
  expect((await post(gone.token, { action: ACTION })).status).toBe(202);
  await eventually(async () => ((await deliveriesOf(gone.tenantId)).some((d) => d.state === 'held') ? true : undefined), 20_000, 'the delivery held');
  const [api1, worker1] = [await scrape(sys.url), await scrape(workerUrl)];
  expect(value(api1, 'tocsin_circuits_open', { channel: 'webhook', reason: 'gone' }) - value(api0, 'tocsin_circuits_open', { channel: 'webhook', reason: 'gone' })).toBe(1);
  expect(value(worker1, 'tocsin_deliveries_total', { outcome: 'held', reason: 'gone' }) - value(worker0, 'tocsin_deliveries_total', { outcome: 'held', reason: 'gone' })).toBe(1);
  // Held deliveries wait for an admin: they are not the backlog.
  expect(value(api1, 'tocsin_deliveries_undelivered', { channel: 'webhook' })).toBe(0);
});

test('a delivery in flight is undelivered and has an age until it is delivered', async () => {
  const slow = await sinkFor('/slow');
  expect((await post(slow.token, { action: ACTION })).status).toBe(202);
  const during = await eventually(async () => {
    const api = await scrape(sys.url);
    return value(api, 'tocsin_deliveries_undelivered', { channel: 'webhook' }) === 1 ? api : undefined;
  }, 10_000, 'one undelivered');
  const oldest = value(during, 'tocsin_delivery_oldest_undelivered_seconds', { channel: 'webhook' });
  expect(oldest).toBeGreaterThanOrEqual(0);
  expect(oldest).toBeLessThan(30);
  await eventually(async () => ((await deliveriesOf(slow.tenantId)).every((d) => d.state === 'delivered') ? true : undefined), 20_000, 'slow delivery');
  const after = await scrape(sys.url);
  expect(value(after, 'tocsin_deliveries_undelivered', { channel: 'webhook' })).toBe(0);
  expect(family(after, 'tocsin_delivery_oldest_undelivered_seconds')?.metrics.some((m) => m.labels?.channel === 'webhook') ?? false).toBe(false);
  expect(value(after, 'tocsin_relay_lag_seconds')).toBeLessThan(5);
});

test('metrics are refused to a proxied request, and every request is logged with its request id', async () => {
  for (const base of [sys.url, workerUrl]) {
    const res = await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  }
  const ok = await sys.tenant('team');
  const requestId = `req-${randomUUID()}`;
  expect((await post(ok.token, { action: ACTION }, { 'x-request-id': requestId })).status).toBe(202);
  const line = await eventually(async () => sys.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === requestId && l.msg === 'request'), 5_000, 'the access line');
  expect(line).toMatchObject({ method: 'POST', path: '/v1/events', status: 202 });
  expect(sys.logs.filter((l) => l.includes(ok.token))).toEqual([]);
});

test('the dashboard and the alert rules use only metric names that the api or a worker exports', async () => {
  const { readFile } = await import('node:fs/promises');
  const exported = new Set([...(await scrape(sys.url)), ...(await scrape(workerUrl))].map((f) => f.name));
  const used = new Set<string>();
  for (const file of ['ops/grafana/tocsin.json', 'ops/prometheus/alerts.yml']) {
    const text = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
    for (const [name] of text.matchAll(/\btocsin_[a-z_]+/g)) used.add(name.replace(/_(bucket|count|sum)$/, ''));
  }
  expect(used.size).toBeGreaterThan(10);
  expect([...used].filter((name) => !exported.has(name))).toEqual([]);
});
