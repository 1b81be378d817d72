/**
 * The suite every registered channel passes (model codebases §8 principle 12; Alertmanager's
 * RetryTests and AssertNotifyLeaksNoSecret, Vector's sink compliance). registry.test.ts runs it
 * for each entry of the registry; a channel never edits it, it adds a fixture.
 */
import { inspect } from 'node:util';
import type { AnyChannel, DeliveryItem } from '../core/channel.js';
import { gunzipSync } from 'node:zlib';
import { parseEgressUrl } from '../core/egress-url.js';
import { createHttpClient, type HttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { resolveChannelConfig } from '../core/resolve-config.js';
import { sendItems, testItem } from './send.js';
import type { ChannelFixture, ExpectedOutcome } from './fixture.js';
import { sampleEvent } from './sample-event.js';
import { startReceiver, type Receiver, type ScriptedResponse } from './test-receiver.js';
import { freePort as closedPort } from './ports.js';

/** The shared classification (core/classify.ts), status by status. */
export const STATUS_MATRIX: ReadonlyArray<[number, ExpectedOutcome]> = [
  [200, { kind: 'delivered' }],
  [201, { kind: 'delivered' }],
  [202, { kind: 'delivered' }],
  [204, { kind: 'delivered' }],
  [301, { kind: 'permanent', reason: 'unexpected_response' }],
  [400, { kind: 'permanent', reason: 'client_error' }],
  [401, { kind: 'permanent', reason: 'auth_error' }],
  [403, { kind: 'permanent', reason: 'auth_error' }],
  [404, { kind: 'permanent', reason: 'not_found' }],
  [408, { kind: 'retryable', reason: 'timeout' }],
  [410, { kind: 'permanent', reason: 'not_found' }],
  [413, { kind: 'permanent', reason: 'payload_too_large' }],
  [422, { kind: 'permanent', reason: 'client_error' }],
  [429, { kind: 'retryable', reason: 'rate_limited' }],
  [500, { kind: 'retryable', reason: 'server_error' }],
  [502, { kind: 'retryable', reason: 'server_error' }],
  [503, { kind: 'retryable', reason: 'server_error' }],
  [504, { kind: 'retryable', reason: 'server_error' }],
];

/** Pinned to a whole second, so an HTTP-date Retry-After converts to an exact number of ms. */
const NOW = new Date('2026-11-22T10:00:00.000Z');
const TIMEOUT_MS = 2_000;
const SHORT_TIMEOUT_MS = 200;

/** A detail far over every vendor's limit: one long string and many keys. */
const HUGE_DETAIL: Record<string, unknown> = {
  blob: 'x'.repeat(3 * 1024 * 1024),
  ...Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`key_${i}`, `value ${i} ${'y'.repeat(100)}`])),
};

/** The body as sent, decompressed when the channel gzips. */
export function requestBody(request: { headers: Record<string, unknown>; body: Buffer }): string {
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(request.body) : request.body).toString('utf8');
}

export function runChannelConformance<C extends Record<string, unknown>>(channel: AnyChannel, fixture: ChannelFixture<C>): void {
  let receiver: Receiver;
  let http: HttpClient;

  beforeAll(async () => {
    receiver = await startReceiver();
    http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.reset();
    for (const [path, handler] of Object.entries(fixture.routes ?? {})) receiver.route(path, handler);
  });

  const secretsOf = (config: C): string[] => fixture.secretValues(config).filter((value) => value.length > 0);

  function expectNoSecrets(text: string, config: C): void {
    for (const secret of secretsOf(config)) expect(text).not.toContain(secret);
  }

  /** Sends items and checks that nothing it returns or throws prints a secret. */
  async function sendAll(config: C, items: DeliveryItem[], client: HttpClient = http): Promise<Outcome[]> {
    let outcomes: Outcome[];
    try {
      outcomes = await sendItems(channel, config, items, { http: client, now: () => NOW, settings: fixture.settings ?? {} });
    } catch (error) {
      expectNoSecrets(`${String(error)}\n${inspect(error, { depth: 10 })}`, config);
      throw error;
    }
    expectNoSecrets(`${JSON.stringify(outcomes)}\n${inspect(outcomes, { depth: 10 })}`, config);
    expect(outcomes).toHaveLength(items.length);
    return outcomes;
  }

  /** Sends the sample event once. */
  async function send(config: C, client: HttpClient = http): Promise<Outcome> {
    const [outcome] = await sendAll(config, [testItem({ deliveryId: 'dlv_conformance_1' })], client);
    return outcome!;
  }

  describe('config', () => {
    test('the fixture config is valid and declares its secrets', () => {
      const config = fixture.validConfig('http://127.0.0.1:9');
      expect(channel.configSchema.safeParse(config).success).toBe(true);
      for (const field of channel.secretFields) expect(typeof field).toBe('string');
    });

    test('rejects unknown keys', () => {
      const config = fixture.validConfig('http://127.0.0.1:9');
      expect(channel.configSchema.safeParse({ ...config, unexpected_key: 'x' }).success).toBe(false);
    });

    test.each(fixture.invalidConfigs.map((config, index) => [index, config] as const))('rejects invalid config #%i', (_index, config) => {
      expect(channel.configSchema.safeParse(config).success).toBe(false);
    });

    test('urls(config) lists absolute http(s) URLs for the egress check', () => {
      const urls = channel.urls(fixture.validConfig('http://127.0.0.1:9'));
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(() => parseEgressUrl(url)).not.toThrow();
    });

    test('the resolved config never prints a secret', () => {
      const config = fixture.validConfig('http://127.0.0.1:9');
      const secrets = secretsOf(config);
      expect(secrets.length).toBeGreaterThan(0);
      const resolved = resolveChannelConfig(channel, config);
      expectNoSecrets(`${JSON.stringify(resolved)}\n${inspect(resolved, { depth: 10 })}\n${String(Object.values(resolved))}`, config);
    });
  });

  describe('status matrix', () => {
    const expectations = STATUS_MATRIX.map(([status, shared]) => [status, fixture.expectedOutcomes?.[status] ?? shared] as const);

    test.each(expectations)('HTTP %i is classified as expected', async (status, expected) => {
      const response: ScriptedResponse = { status };
      if (status >= 200 && status <= 299 && fixture.successBody !== undefined) response.body = fixture.successBody;
      if (status === 301) response.headers = { location: `${receiver.url}/moved` };
      receiver.script(response);

      const config = fixture.validConfig(receiver.url);
      const outcome = await send(config);

      expect(outcome.kind).toBe(expected.kind);
      if (expected.reason !== undefined && outcome.kind !== 'delivered') expect(outcome.reason).toBe(expected.reason);
      expect(outcome.status).toBe(status);
      // Exactly one delivering request: the client never retries or follows a redirect on its own.
      expect(receiver.scripted).toHaveLength(1);
    });
  });

  describe('Retry-After', () => {
    test('seconds are honoured', async () => {
      receiver.script({ status: 429, headers: { 'retry-after': '7' } });
      const outcome = await send(fixture.validConfig(receiver.url));
      expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: 7_000 });
    });

    test('an HTTP-date is honoured, relative to ctx.now()', async () => {
      receiver.script({ status: 503, headers: { 'retry-after': new Date(NOW.getTime() + 30_000).toUTCString() } });
      const outcome = await send(fixture.validConfig(receiver.url));
      expect(outcome).toMatchObject({ kind: 'retryable', retryAfterMs: 30_000 });
    });
  });

  describe('transport failures', () => {
    test('a receiver slower than the timeout → retryable timeout', async () => {
      receiver.script({ status: 200, delayMs: SHORT_TIMEOUT_MS * 10 });
      const slowClient = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: SHORT_TIMEOUT_MS });
      const outcome = await send(fixture.validConfig(receiver.url), slowClient);
      expect(outcome).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    });

    test('a refused connection → retryable network', async () => {
      const outcome = await send(fixture.validConfig(`http://127.0.0.1:${await closedPort()}`));
      expect(outcome).toMatchObject({ kind: 'retryable', reason: 'network' });
    });

    test('a loopback URL without the allow-list → permanent egress_denied, nothing sent', async () => {
      // (every request of the flow goes through the guard: no token, no lookup either)
      const outcome = await send(fixture.validConfig(receiver.url), createHttpClient({ timeoutMs: TIMEOUT_MS }));
      expect(outcome).toMatchObject({ kind: 'permanent', reason: 'egress_denied' });
      expect(receiver.requests).toHaveLength(0);
    });
  });

  for (const path of Object.keys(fixture.routes ?? {})) describe(`the ${path} step of the flow`, () => {
    test.each([
      [503, 'retryable'],
      [401, 'permanent'],
    ] as const)('HTTP %i there → %s, and nothing is delivered', async (status, kind) => {
      receiver.route(path, { status, body: '{}' });
      const outcome = await send(fixture.validConfig(receiver.url));
      expect(outcome.kind).toBe(kind);
      expect(receiver.requests.filter((r) => r.route === path).length).toBeGreaterThan(0);
      expect(receiver.scripted).toHaveLength(0);
    });
  });

  describe('output limits', () => {
    test('an event with a huge detail is delivered, truncated, never rejected', async () => {
      receiver.script({ status: 200, ...(fixture.successBody === undefined ? {} : { body: fixture.successBody }) });
      const config = fixture.validConfig(receiver.url);
      const [outcome] = await sendAll(config, [testItem({ event: sampleEvent({ detail: HUGE_DETAIL }) })]);
      expect(outcome!.kind).toBe('delivered');
      const [request] = receiver.scripted;
      if (fixture.maxBodyBytes !== undefined) expect(Buffer.byteLength(requestBody(request!))).toBeLessThanOrEqual(fixture.maxBodyBytes);
      fixture.checkOversized?.(request!);
    });
  });

  if (channel.batch !== undefined) {
    describe('batches', () => {
      const items = (n: number) => Array.from({ length: n }, (_, i) => testItem({ deliveryId: `dlv_batch_${i}`, event: sampleEvent({ id: `0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b${String(i).padStart(2, '0')}` }) }));

      test('several deliveries of one sink go in one request, one outcome each', async () => {
        receiver.script({ status: 200, ...(fixture.successBody === undefined ? {} : { body: fixture.successBody }) });
        const outcomes = await sendAll(fixture.validConfig(receiver.url), items(3));
        expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
        expect(receiver.scripted).toHaveLength(1);
      });

      test('a failed request gives every delivery the same outcome', async () => {
        receiver.script({ status: 503 });
        const outcomes = await sendAll(fixture.validConfig(receiver.url), items(3));
        expect(outcomes.map((o) => [o.kind, o.kind === 'delivered' ? undefined : o.reason])).toEqual(Array(3).fill(['retryable', 'server_error']));
      });
    });
  }
}
