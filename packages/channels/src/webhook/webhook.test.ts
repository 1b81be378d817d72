import { verify as verifyHub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import { Secret } from '../core/secret.js';
import { sampleEvent } from '../testing/sample-event.js';
import { sendEvent, TEST_DELIVERY_ID } from '../testing/send.js';
import { startReceiver, type Receiver } from '../testing/test-receiver.js';
import { webhook } from './index.js';
import { renderWebhook } from './render.js';

const SECRET = `whsec_${Buffer.alloc(32, 0x3c).toString('base64')}`;
const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

interface Context {
  deliveryId?: string;
  attempt?: number;
  now?: () => Date;
}

async function deliver(config: unknown, event: EventRecord = sampleEvent(), ctx: Context = {}) {
  const outcome = await sendEvent(webhook, config, { http, event, ...ctx });
  const [request] = await receiver.waitForRequests(1);
  return { outcome, request: request! };
}

describe('Webhook delivery to a real receiver', () => {
  test('both signatures verify with independent libraries', async () => {
    const event = sampleEvent();
    const { outcome, request } = await deliver({ url: `${receiver.url}/hooks/in`, secret: SECRET }, event);
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });

    const raw = request.body.toString('utf8');
    const headers = request.headers as Record<string, string>;
    // Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature, key = decoded secret.
    expect(new Webhook(SECRET).verify(raw, headers)).toEqual(JSON.parse(JSON.stringify(event)));
    // GitHub style: HMAC of the raw body keyed with the secret string as configured.
    expect(await verifyHub(SECRET, raw, headers['x-tocsin-signature']!)).toBe(true);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(headers['x-tocsin-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  test('sends POST, JSON, the event header and a User-Agent, to the configured path and query', async () => {
    const { request } = await deliver({ url: `${receiver.url}/hooks/in?team=sec&x=1` });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/in?team=sec&x=1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-tocsin-event']).toBe('credential.exposure.detected');
    expect(request.headers['user-agent']).toMatch(/^Tocsin\//);
  });

  test('no signature headers without a secret', async () => {
    const { outcome, request } = await deliver({ url: receiver.url });
    expect(outcome.kind).toBe('delivered');
    expect(request.headers).not.toHaveProperty('webhook-signature');
    expect(request.headers).not.toHaveProperty('x-tocsin-signature');
    expect(request.headers['webhook-id']).toBe(TEST_DELIVERY_ID);
    expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
  });

  test('the body is exactly the EventRecord JSON, and nothing beyond the record', async () => {
    const event = sampleEvent();
    const withExtra = { ...event, internal_row_version: 7, sink_secret: 'should-not-leave' } as EventRecord;
    const { request } = await deliver({ url: receiver.url, secret: SECRET }, withExtra);
    const raw = request.body.toString('utf8');
    expect(raw).toBe(JSON.stringify(event));
    expect(JSON.parse(raw)).toEqual(event);
    expect(Number(request.headers['content-length'])).toBe(request.body.length);
  });

  test('webhook-id is the delivery id on every attempt; the timestamp and signature are each attempt’s', async () => {
    receiver.script({ status: 503 }, { status: 200 });
    const config = { url: receiver.url, secret: SECRET };
    const first = new Date('2026-11-22T10:00:00.900Z');
    const second = new Date('2026-11-22T10:05:30.000Z');

    const outcome1 = await sendEvent(webhook, config, { http, attempt: 1, now: () => first });
    const outcome2 = await sendEvent(webhook, config, { http, attempt: 2, now: () => second });
    expect([outcome1.kind, outcome2.kind]).toEqual(['retryable', 'delivered']);

    const [a, b] = await receiver.waitForRequests(2);
    expect(a!.headers['webhook-id']).toBe(TEST_DELIVERY_ID);
    expect(b!.headers['webhook-id']).toBe(TEST_DELIVERY_ID);
    expect(a!.headers['webhook-timestamp']).toBe(String(Math.floor(first.getTime() / 1000)));
    expect(b!.headers['webhook-timestamp']).toBe(String(Math.floor(second.getTime() / 1000)));
    expect(a!.headers['webhook-signature']).not.toBe(b!.headers['webhook-signature']);
    // The body is the same bytes both times: only the signed timestamp differs.
    expect(a!.body.equals(b!.body)).toBe(true);
  });

  test('410 Gone is permanent not_found (Standard Webhooks: disable the endpoint)', async () => {
    receiver.script({ status: 410, body: 'endpoint removed' });
    const { outcome } = await deliver({ url: receiver.url });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'not_found', status: 410, body: 'endpoint removed' });
  });

  test('an action with CR/LF cannot inject a header: it is percent-encoded', async () => {
    const action = 'evil\r\nX-Injected: yes';
    const { outcome, request } = await deliver({ url: receiver.url }, sampleEvent({ action }));
    expect(outcome.kind).toBe('delivered');
    expect(request.headers).not.toHaveProperty('x-injected');
    expect(decodeURIComponent(request.headers['x-tocsin-event'] as string)).toBe(action);
    expect(JSON.parse(request.body.toString()).action).toBe(action);
  });
});

describe('renderWebhook', () => {
  const input = { deliveryId: 'dlv_1', timestampSec: 1_795_341_600, secret: new Secret(SECRET) };

  test('is pure: the same input gives the same request', () => {
    expect(renderWebhook(sampleEvent(), input)).toEqual(renderWebhook(sampleEvent(), input));
  });

  test('the signature covers the id, the timestamp and the exact body', () => {
    const timestampSec = Math.floor(Date.now() / 1000);
    const { body, headers } = renderWebhook(sampleEvent(), { ...input, timestampSec });
    const signed = { 'webhook-id': headers['webhook-id']!, 'webhook-timestamp': headers['webhook-timestamp']!, 'webhook-signature': headers['webhook-signature']! };
    const receiverSide = new Webhook(SECRET);
    expect(receiverSide.verify(body, signed)).toEqual(JSON.parse(body));
    expect(() => receiverSide.verify(body.replace('critical', 'low'), signed)).toThrow();
    expect(() => receiverSide.verify(body, { ...signed, 'webhook-id': 'dlv_2' })).toThrow();
    expect(() => receiverSide.verify(body, { ...signed, 'webhook-timestamp': String(timestampSec - 1) })).toThrow();
  });
});
