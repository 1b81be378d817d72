import { startReceiver, type Receiver } from '../testing/test-receiver.js';
import { classifyStatus, classifyTransportError, OUTCOME_BODY_MAX_BYTES, parseRetryAfter, RETRY_AFTER_MAX_MS, sendAndClassify } from './classify.js';
import { createHttpClient } from './http.js';
import { HttpTransportError, InvalidHeaderError } from './http-error.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

describe('parseRetryAfter', () => {
  test.each<[string | string[] | undefined, number | undefined]>([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
    ['1.5', 1_500],
    [['30', '60'], 30_000],
    ['3600', RETRY_AFTER_MAX_MS],
    ['99999999', RETRY_AFTER_MAX_MS],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000], // IMF-fixdate
    ['Sunday, 22-Nov-26 10:01:00 GMT', 60_000], // RFC 850
    ['Sun Nov 22 10:00:05 2026', 5_000], // asctime, which means GMT
    ['Sun Nov  1 10:00:05 2026', 0], // asctime with a space-padded day, in the past
    ['Sun, 22 Nov 2026 09:59:00 GMT', 0], // in the past
    ['Mon, 23 Nov 2026 10:00:00 GMT', RETRY_AFTER_MAX_MS],
    [undefined, undefined],
    ['', undefined],
    ['-5', undefined],
    ['soon', undefined],
    ['12abc', undefined],
  ])('%j → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('classifyStatus', () => {
  test.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(classifyStatus(status, {}, 'ok')).toEqual({ kind: 'delivered', status, body: 'ok' });
  });

  test.each([
    [408, 'timeout'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [501, 'server_error'],
    [502, 'server_error'],
    [503, 'server_error'],
    [504, 'server_error'],
    [507, 'server_error'],
    [599, 'server_error'],
  ])('%i is retryable (%s)', (status, reason) => {
    expect(classifyStatus(status, {}, '')).toMatchObject({ kind: 'retryable', reason, status });
  });

  test.each([
    [301, 'unexpected_response'],
    [302, 'unexpected_response'],
    [304, 'unexpected_response'],
    [100, 'unexpected_response'],
    [400, 'client_error'],
    [401, 'auth_error'],
    [403, 'auth_error'],
    [404, 'not_found'],
    [405, 'client_error'],
    [410, 'not_found'],
    [413, 'payload_too_large'],
    [418, 'client_error'],
    [422, 'client_error'],
    [600, 'unexpected_response'],
  ])('%i is permanent (%s)', (status, reason) => {
    expect(classifyStatus(status, {}, '')).toMatchObject({ kind: 'permanent', reason, status });
  });

  test('the message names the status, never the body', () => {
    const outcome = classifyStatus(404, {}, 'channel_not_found');
    expect(outcome).toMatchObject({ message: 'HTTP 404 Not Found', body: 'channel_not_found' });
    expect(classifyStatus(302, {}, '')).toMatchObject({ message: 'HTTP 302 Found: redirects are not followed' });
  });

  test('Retry-After is read for retryable statuses only', () => {
    expect(classifyStatus(429, { 'retry-after': '30' }, '', { now: NOW })).toMatchObject({ retryAfterMs: 30_000 });
    expect(classifyStatus(503, { 'retry-after': 'Sun, 22 Nov 2026 10:02:00 GMT' }, '', { now: NOW })).toMatchObject({ retryAfterMs: 120_000 });
    expect(classifyStatus(400, { 'retry-after': '30' }, '')).not.toHaveProperty('retryAfterMs');
    expect(classifyStatus(500, {}, '')).not.toHaveProperty('retryAfterMs');
  });

  test('retryOn makes a channel-specific status retryable, keeping its reason', () => {
    expect(classifyStatus(403, { 'retry-after': '5' }, '', { retryOn: [403] })).toMatchObject({ kind: 'retryable', reason: 'auth_error', retryAfterMs: 5_000 });
    expect(classifyStatus(404, {}, '', { retryOn: [403] })).toMatchObject({ kind: 'permanent' });
  });

  test('keeps at most OUTCOME_BODY_MAX_BYTES of the body', () => {
    const outcome = classifyStatus(500, {}, '€'.repeat(OUTCOME_BODY_MAX_BYTES));
    expect(outcome.body).toMatch(/^€+$/);
    const kept = Buffer.byteLength(outcome.body!);
    expect(kept).toBeLessThanOrEqual(OUTCOME_BODY_MAX_BYTES);
    // Cut at a character boundary, not far short of the limit (a euro sign is 3 bytes).
    expect(kept).toBeGreaterThan(OUTCOME_BODY_MAX_BYTES - 3);
  });
});

describe('classifyTransportError', () => {
  const error = (code: 'timeout' | 'network' | 'egress_denied') =>
    new HttpTransportError(code, 'detail', { method: 'POST', target: 'https://hooks.example.com', systemCode: undefined, cause: undefined });

  test('timeouts and network errors are retried, egress denials are not', () => {
    expect(classifyTransportError(error('timeout'))).toEqual({ kind: 'retryable', reason: 'timeout', message: 'POST https://hooks.example.com: detail' });
    expect(classifyTransportError(error('network'))).toMatchObject({ kind: 'retryable', reason: 'network' });
    expect(classifyTransportError(error('egress_denied'))).toMatchObject({ kind: 'permanent', reason: 'egress_denied' });
  });
});

describe('sendAndClassify', () => {
  let receiver: Receiver;
  const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 2_000 });
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.reset());

  test('puts the status and the response body on the outcome', async () => {
    receiver.script({ status: 400, body: 'invalid_payload' });
    await expect(sendAndClassify(http, { method: 'POST', url: receiver.url, body: '{}' })).resolves.toEqual({
      kind: 'permanent',
      reason: 'client_error',
      message: 'HTTP 400 Bad Request',
      status: 400,
      body: 'invalid_payload',
    });
  });

  test('turns transport failures into outcomes', async () => {
    await expect(sendAndClassify(createHttpClient(), { method: 'POST', url: receiver.url })).resolves.toMatchObject({ kind: 'permanent', reason: 'egress_denied' });
  });

  test('lets programming errors through', async () => {
    await expect(sendAndClassify(http, { method: 'POST', url: receiver.url, headers: { 'X-A': 'a\nb' } })).rejects.toBeInstanceOf(InvalidHeaderError);
  });
});
