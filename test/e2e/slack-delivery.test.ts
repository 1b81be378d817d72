import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * Slack through the whole system: a sink created from an OAuth code (the creation hook exchanges
 * it with the operator's client credentials), alerts posted with the bot token to the named
 * channel, and a changed channel taking effect at the next send.
 */
const CLIENT_ID = '1234567890.0987654321';
const CLIENT_SECRET = 'slack-client-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-1111-2222-planted-bot-token';

let sys: System;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  sys = await startSystem({ config: { TOCSIN_SLACK_CLIENT_ID: CLIENT_ID, TOCSIN_SLACK_CLIENT_SECRET: CLIENT_SECRET } as Partial<System['config']> });
});
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
});
beforeEach(() => {
  receiver.reset();
  receiver.route('/oauth.v2.access', (req) => {
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const code = new URLSearchParams(req.body.toString()).get('code');
    const ok = req.headers.authorization === basic && code === 'good-code';
    const body = ok ? { ok: true, access_token: BOT_TOKEN, token_type: 'bot', team: { id: 'T0ACME', name: 'Acme' } } : { ok: false, error: 'invalid_code' };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  });
  receiver.route('/chat.postMessage', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"channel":"C0SECOPS","ts":"1700000000.000100"}' });
});

const delivered = (tenantId: string, eventId: string) =>
  eventually(async () => {
    const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirst({ where: { eventId } }));
    return d?.state === 'delivered' ? d : undefined;
  });

test('an OAuth code becomes a stored bot token; alerts go to the named channel, and follow it when it changes', async () => {
  const { tenantId, token } = await sys.tenant('team');
  const created = await sys.request('POST', '/v1/event_sink', token, {
    name: 'SOC Slack',
    event_sink_args: { Slack: { channel: 'C0SECOPS', slack_oauth_code: 'good-code', api_url: receiver.url } },
    // Only this action: with `*` the sink would also post its own configuration audit events.
    events: ['CREDENTIAL_EXPOSURE_DETECTED'],
  });
  expect(created.status).toBe(201);
  const shown = created.body.event_sink.configuration.Slack;
  expect(shown).toMatchObject({ channel: 'C0SECOPS', bot_token: '[REDACTED]' });
  expect(shown).not.toHaveProperty('slack_oauth_code');
  expect(JSON.stringify(created.body)).not.toContain(BOT_TOKEN);
  expect(receiver.requests.filter((r) => r.route === '/oauth.v2.access')).toHaveLength(1);

  const first = await sys.request('POST', '/v1/events', token, { action: 'CREDENTIAL_EXPOSURE_DETECTED', severity: 'critical' });
  await delivered(tenantId, first.body.id);
  const [post] = receiver.requests.filter((r) => r.route === '/chat.postMessage');
  expect(post!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  expect(JSON.parse(post!.body.toString()).channel).toBe('C0SECOPS');

  // Seed 004's update: a PUT of `channel` alone. The stored token stays; no second exchange.
  const stored = async () => (await sys.db.withTenant(tenantId, (tx) => tx.eventSink.findFirstOrThrow({ where: { id: created.body.event_sink.id } }))).config as Record<string, unknown>;
  const tokenBefore = (await stored()).bot_token;
  const put = await sys.request('PUT', `/v1/event_sink/${created.body.event_sink.id}`, token, { id: created.body.event_sink.id, event_sink_args: { Slack: { channel: 'C0INCIDENTS' } } });
  expect(put.status).toBe(200);
  expect(put.body.event_sink.configuration.Slack).toMatchObject({ channel: 'C0INCIDENTS', bot_token: '[REDACTED]' });
  expect((await stored()).channel).toBe('C0INCIDENTS');
  expect(receiver.requests.filter((r) => r.route === '/oauth.v2.access')).toHaveLength(1);
  // Re-sealed under a fresh nonce, the same token: it still decrypts to what Slack issued.
  const tokenAfter = (await stored()).bot_token as string;
  const aad = `${tenantId}/${created.body.event_sink.id}/bot_token`;
  expect(tokenAfter).not.toBe(tokenBefore);
  expect([sys.box.decrypt(tokenBefore as string, aad), sys.box.decrypt(tokenAfter, aad)]).toEqual([BOT_TOKEN, BOT_TOKEN]);
  const second = await sys.request('POST', '/v1/events', token, { action: 'CREDENTIAL_EXPOSURE_DETECTED', severity: 'critical' });
  await delivered(tenantId, second.body.id);
  const posts = receiver.requests.filter((r) => r.route === '/chat.postMessage');
  expect(posts.map((r) => JSON.parse(r.body.toString()).channel)).toEqual(['C0SECOPS', 'C0INCIDENTS']);
  expect(posts[1]!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
});

test('a code Slack refuses is a 400 naming the field, and nothing is stored', async () => {
  const { token } = await sys.tenant('team');
  const refused = await sys.request('POST', '/v1/event_sink', token, {
    name: 'SOC Slack',
    event_sink_args: { Slack: { channel: 'C0SECOPS', slack_oauth_code: 'stale-code', api_url: receiver.url } },
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.code).toBe('slack_oauth_failed');
  expect(refused.body.error.details[0].path).toBe('event_sink_args.Slack.slack_oauth_code');
  expect(JSON.stringify(refused.body)).not.toContain('stale-code');
  expect((await sys.request('GET', '/v1/event_sink', token)).body.event_sinks).toEqual([]);
});
