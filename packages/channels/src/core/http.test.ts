import { inspect } from 'node:util';
import { startReceiver, type Receiver } from '../testing/test-receiver.js';
import { createHttpClient, DEFAULT_USER_AGENT } from './http.js';
import { HttpTransportError, InvalidHeaderError } from './http-error.js';
import { freePort as closedPort } from '../testing/ports.js';
import { rejectionOf } from '../testing/rejection.js';

const ALLOW_LOOPBACK = ['127.0.0.0/8'];

describe('createHttpClient', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.reset());

  test('sends the method, path, headers and body, with the default User-Agent', async () => {
    // Answered after 150 ms, so the measured duration has a floor it cannot pass by accident.
    receiver.script({ status: 201, headers: { 'x-answer': '42' }, body: '{"ok":true}', delayMs: 150 });
    const response = await createHttpClient({ egressAllow: ALLOW_LOOPBACK }).request({
      method: 'PUT',
      url: `${receiver.url}/a/b?c=d`,
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'v' },
      body: Buffer.from('{"x":1}'),
    });
    expect(response).toMatchObject({ status: 201, body: '{"ok":true}', truncated: false });
    expect(response.headers['x-answer']).toBe('42');
    expect(response.durationMs).toBeGreaterThanOrEqual(150);
    const [req] = receiver.requests;
    expect(req).toMatchObject({ method: 'PUT', path: '/a/b?c=d' });
    expect(req!.headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'v', 'user-agent': DEFAULT_USER_AGENT });
    expect(req!.body.toString()).toBe('{"x":1}');
  });

  test('uses the configured User-Agent', async () => {
    await createHttpClient({ egressAllow: ALLOW_LOOPBACK, userAgent: 'Tocsin-Test/1' }).request({ method: 'GET', url: receiver.url });
    expect(receiver.requests[0]!.headers['user-agent']).toBe('Tocsin-Test/1');
  });

  test('never retries: a 503 is returned after exactly one request', async () => {
    receiver.script({ status: 503 }, { status: 200 });
    const response = await createHttpClient({ egressAllow: ALLOW_LOOPBACK }).request({ method: 'POST', url: receiver.url, body: 'x' });
    expect(response.status).toBe(503);
    expect(receiver.requests).toHaveLength(1);
  });

  describe('response body cap', () => {
    test('keeps the prefix of a long body and marks it truncated', async () => {
      receiver.script({ status: 500, body: 'x'.repeat(200_000) });
      const response = await createHttpClient({ egressAllow: ALLOW_LOOPBACK, maxResponseBytes: 1_000 }).request({ method: 'GET', url: receiver.url });
      expect(response).toMatchObject({ status: 500, truncated: true });
      expect(response.body).toBe('x'.repeat(1_000));
    });

    test('a body of exactly the cap is not truncated', async () => {
      receiver.script({ status: 200, body: 'y'.repeat(1_000) });
      const response = await createHttpClient({ egressAllow: ALLOW_LOOPBACK, maxResponseBytes: 1_000 }).request({ method: 'GET', url: receiver.url });
      expect(response).toMatchObject({ truncated: false, body: 'y'.repeat(1_000) });
    });

    test('never splits a UTF-8 character at the cap', async () => {
      receiver.script({ status: 200, body: 'é'.repeat(10) });
      const response = await createHttpClient({ egressAllow: ALLOW_LOOPBACK, maxResponseBytes: 5 }).request({ method: 'GET', url: receiver.url });
      expect(response.body).toBe('éé');
      expect(response.truncated).toBe(true);
    });
  });

  describe('transport errors', () => {
    const SECRET_PATH = '/services/T0SECRET/B0SECRET/XXXXSECRETXXXX';
    const SECRET_QUERY = '?token=QUERYSECRET';

    function expectNoUrlSecrets(error: unknown): void {
      const printed = `${String(error)}\n${inspect(error, { depth: 10 })}\n${JSON.stringify(error)}`;
      expect(printed).not.toMatch(/SECRET/);
    }

    test('a timeout has code timeout, and no path or query in the message or cause', async () => {
      receiver.script({ status: 200, delayMs: 2_000 });
      const error = await rejectionOf(createHttpClient({ egressAllow: ALLOW_LOOPBACK, timeoutMs: 100 }).request({ method: 'POST', url: `${receiver.url}${SECRET_PATH}${SECRET_QUERY}` }));
      expect(error).toBeInstanceOf(HttpTransportError);
      expect(error).toMatchObject({ code: 'timeout', method: 'POST', target: receiver.url, systemCode: 'ETIMEDOUT' });
      expectNoUrlSecrets(error);
    });

    test('a refused connection has code network and the system code', async () => {
      const url = `http://127.0.0.1:${await closedPort()}${SECRET_PATH}${SECRET_QUERY}`;
      const error = await rejectionOf(createHttpClient({ egressAllow: ALLOW_LOOPBACK }).request({ method: 'POST', url }));
      expect(error).toMatchObject({ code: 'network', systemCode: 'ECONNREFUSED' });
      expect((error as Error).message).toContain('127.0.0.1');
      expectNoUrlSecrets(error);
    });

    test('an unresolvable host has code network', async () => {
      const client = createHttpClient({ resolver: (_h, _o, cb) => cb(Object.assign(new Error('getaddrinfo ENOTFOUND nx.example.com'), { code: 'ENOTFOUND' }), []) });
      await expect(client.request({ method: 'GET', url: `https://nx.example.com${SECRET_PATH}` })).rejects.toMatchObject({ code: 'network', systemCode: 'ENOTFOUND' });
    });

    test('a denied destination has code egress_denied and no URL secrets', async () => {
      const error = await rejectionOf(createHttpClient().request({ method: 'POST', url: `${receiver.url}${SECRET_PATH}${SECRET_QUERY}` }));
      expect(error).toMatchObject({ code: 'egress_denied' });
      expectNoUrlSecrets(error);
    });

    test('userinfo and bad schemes are refused before sending, without echoing them', async () => {
      const client = createHttpClient({ egressAllow: ALLOW_LOOPBACK });
      const withUser = await rejectionOf(client.request({ method: 'GET', url: receiver.url.replace('http://', 'http://admin:PWSECRET@') }));
      expect(withUser).toMatchObject({ code: 'egress_denied', cause: { reason: 'userinfo' } });
      expectNoUrlSecrets(withUser);
      await expect(client.request({ method: 'GET', url: 'ftp://127.0.0.1/' })).rejects.toMatchObject({ code: 'egress_denied', cause: { reason: 'scheme' } });
      expect(receiver.requests).toHaveLength(0);
    });
  });

  test('refuses header values with CR or LF before sending anything', async () => {
    const client = createHttpClient({ egressAllow: ALLOW_LOOPBACK });
    const error = await rejectionOf(client.request({ method: 'POST', url: receiver.url, headers: { 'X-Tocsin-Event': 'a\r\nInjected: 1' } }));
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error).toMatchObject({ code: 'invalid_header', header: 'X-Tocsin-Event' });
    expect((error as Error).message).not.toContain('Injected');
    await expect(client.request({ method: 'POST', url: receiver.url, headers: { 'Bad Name': 'v' } })).rejects.toBeInstanceOf(InvalidHeaderError);
    expect(receiver.requests).toHaveLength(0);
  });
});
