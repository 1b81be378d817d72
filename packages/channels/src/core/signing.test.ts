import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { hubSignature, SigningInputError, standardWebhookSignature } from './signing.js';

describe('standardWebhookSignature', () => {
  // Published vector: standard-webhooks libraries/javascript/src/webhook.test.ts (channels.md §7.1).
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    payload: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  test('reproduces the published vector, from a string or a Buffer', () => {
    expect(standardWebhookSignature(vector.secret, vector.msgId, vector.timestamp, vector.payload)).toBe(vector.signature);
    expect(standardWebhookSignature(vector.secret, vector.msgId, vector.timestamp, Buffer.from(vector.payload))).toBe(vector.signature);
  });

  test('agrees with the standardwebhooks library, which also verifies it', () => {
    const secret = `whsec_${Buffer.alloc(32, 0xa5).toString('base64')}`;
    const body = JSON.stringify({ action: 'mfa.recovery.requested', note: 'Zoë ✓' });
    const timestamp = Math.floor(Date.now() / 1000);
    const ours = standardWebhookSignature(secret, 'dlv_123', timestamp, body);
    expect(ours).toBe(new Webhook(secret).sign('dlv_123', new Date(timestamp * 1000), body));
    const headers = { 'webhook-id': 'dlv_123', 'webhook-timestamp': String(timestamp), 'webhook-signature': ours };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // The key is the decoded bytes: the same base64 text used as a raw key must not verify.
    expect(() => new Webhook(Buffer.from(secret), { format: 'raw' }).verify(body, headers)).toThrow();
  });

  test.each([
    ['a secret without the whsec_ prefix', () => standardWebhookSignature('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'id', 1, ''), 'secret'],
    ['a secret that is not base64', () => standardWebhookSignature('whsec_not*base64', 'id', 1, ''), 'secret'],
    ['an id with a dot', () => standardWebhookSignature(vector.secret, 'a.b', 1, ''), 'msgId'],
    ['a fractional timestamp', () => standardWebhookSignature(vector.secret, 'id', 1.5, ''), 'timestamp'],
  ])('refuses %s with a stable code', (_name, run, field) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SigningInputError);
    expect(thrown).toMatchObject({ code: 'signing_input_invalid', field });
    expect((thrown as Error).message).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });
});

describe('hubSignature', () => {
  // Published vector: docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries (channels.md §7.3).
  test('reproduces the GitHub vector', () => {
    expect(hubSignature("It's a Secret to Everybody", 'Hello, World!')).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });

  test('agrees with @octokit/webhooks-methods, keyed with the secret string as configured', async () => {
    const secret = `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`;
    const body = JSON.stringify({ action: 'sso.login.failed', detail: { city: 'Zürich' } });
    const ours = hubSignature(secret, body);
    expect(ours).toBe(await octokitSign(secret, body));
    expect(await octokitVerify(secret, body, ours)).toBe(true);
    expect(hubSignature(secret, Buffer.from(body))).toBe(ours);
    // Not keyed with the decoded bytes or the part after the prefix.
    expect(await octokitVerify(secret.slice('whsec_'.length), body, ours)).toBe(false);
  });
});
