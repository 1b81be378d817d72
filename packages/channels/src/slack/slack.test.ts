import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { verify as verifyHub } from '@octokit/webhooks-methods';
import { PrepareError } from '../core/channel.js';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { freePort } from '../testing/ports.js';
import { rejectionOf } from '../testing/rejection.js';
import { sampleEvent } from '../testing/sample-event.js';
import { sendEvent } from '../testing/send.js';
import { startReceiver, type Receiver, type ScriptedResponse } from '../testing/test-receiver.js';
import { blockKitViolations } from './block-kit-limits.js';
import { BOT_TOKEN, WEBHOOK_SECRET } from './fixture.js';
import { slack } from './index.js';
import { MAX_BLOCKS, MAX_DETAIL_FIELDS, MAX_FALLBACK_TEXT, MAX_FIELD_TEXT, MAX_HEADER_TEXT, MAX_SECTION_FIELDS, MAX_SECTION_TEXT, renderSlackMessage } from './render.js';

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });
const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (body: string, status = 200, headers: Record<string, string> = {}): ScriptedResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body });

const CLIENT_ID = '2141029472.691202649728';
const CLIENT_SECRET = 'slack-client-secret-3f1c9a7b2e5d';
const SETTINGS = { TOCSIN_SLACK_CLIENT_ID: CLIENT_ID, TOCSIN_SLACK_CLIENT_SECRET: CLIENT_SECRET };
const OAUTH_CODE = '1234567890.0987654321.4f1e2d3c4b5a69788796a5b4c3d2e1f0';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const webhookConfig = (extra: Record<string, unknown> = {}) => ({ webhook_url: `${receiver.url}/services/T0ACME/B0SOC/s3cr3tPathToken`, ...extra });
const botConfig = (extra: Record<string, unknown> = {}) => ({ channel: 'C0SECOPS', bot_token: BOT_TOKEN, api_url: receiver.url, ...extra });

async function deliver(config: unknown, event: EventRecord = sampleEvent()) {
  const outcome = await sendEvent(slack, config, { http, event });
  const [request] = await receiver.waitForRequests(1);
  return { outcome, request: request!, body: JSON.parse(request!.body.toString('utf8')) };
}

function expectNoSecret(value: unknown, secrets: string[]): void {
  const printed = `${JSON.stringify(value)}\n${inspect(value, { depth: 10 })}\n${String(value)}`;
  for (const secret of secrets) expect(printed).not.toContain(secret);
}

describe('incoming webhook', () => {
  test('posts {text, blocks} as JSON to the webhook URL; the documented `ok` is delivered', async () => {
    receiver.script({ status: 200, headers: { 'content-type': 'text/plain' }, body: fixtureFile('webhook-ok.txt') });
    const { outcome, request, body } = await deliver(webhookConfig());
    expect(outcome).toEqual({ kind: 'delivered', status: 200, body: 'ok' });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/services/T0ACME/B0SOC/s3cr3tPathToken');
    expect(request.headers['content-type']).toBe('application/json');
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toBe('[CRITICAL] Credential exposure detected — db-password');
    expect(request.headers).not.toHaveProperty('x-tocsin-signature');
    expect(request.headers).not.toHaveProperty('authorization');
  });

  test('with a secret, X-Tocsin-Signature verifies with @octokit/webhooks-methods over the raw body', async () => {
    receiver.script({ status: 200, body: 'ok' });
    const { request } = await deliver(webhookConfig({ secret: WEBHOOK_SECRET }));
    const raw = request.body.toString('utf8');
    const signature = request.headers['x-tocsin-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verifyHub(WEBHOOK_SECRET, raw, signature)).toBe(true);
    expect(await verifyHub(WEBHOOK_SECRET, raw.replace('Critical', 'Low'), signature)).toBe(false);
    expect(await verifyHub(`${WEBHOOK_SECRET}x`, raw, signature)).toBe(false);
  });

  // Codes from docs.slack.dev "Handling errors"; statuses from the 2016-05-17 changelog where it
  // gives one. Some arrive with 200: the code decides, not the status.
  test.each([
    [400, 'invalid_payload', 'permanent', 'client_error'],
    [400, 'user_not_found', 'permanent', 'not_found'],
    [400, 'too_many_attachments', 'permanent', 'client_error'],
    [400, 'no_text', 'permanent', 'client_error'],
    [403, 'action_prohibited', 'permanent', 'auth_error'],
    [403, 'invalid_token', 'permanent', 'auth_error'],
    [403, 'team_disabled', 'permanent', 'auth_error'],
    [403, 'posting_to_general_channel_denied', 'permanent', 'auth_error'],
    [404, 'channel_not_found', 'permanent', 'not_found'],
    [404, 'no_service', 'permanent', 'not_found'],
    [404, 'no_active_hooks', 'permanent', 'not_found'],
    [410, fixtureFile('webhook-channel_is_archived.txt'), 'permanent', 'not_found'],
    [400, 'channel_is_archived', 'permanent', 'not_found'],
    [200, 'channel_is_archived', 'permanent', 'not_found'],
    [200, 'invalid_token', 'permanent', 'auth_error'],
    [500, 'rollup_error', 'retryable', 'server_error'],
    [200, 'rollup_error', 'retryable', 'server_error'],
  ] as const)('HTTP %i `%s` → %s %s, named in the message', async (status, code, kind, reason) => {
    receiver.script({ status, headers: { 'content-type': 'text/plain' }, body: code });
    const { outcome } = await deliver(webhookConfig());
    expect(outcome).toEqual({ kind, reason, status, body: code, message: `Slack answered ${code}` });
  });

  test('429 is throttling whatever the body says, with Retry-After honoured', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' });
    const { outcome } = await deliver(webhookConfig());
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: 30_000, status: 429 });
  });

  test('a retryable code keeps Retry-After', async () => {
    receiver.script({ status: 500, headers: { 'retry-after': '5' }, body: 'rollup_error' });
    const { outcome } = await deliver(webhookConfig());
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'server_error', retryAfterMs: 5_000 });
  });

  test('an unknown code: a 2xx is not delivered; otherwise the shared status rules, the code named', async () => {
    receiver.script({ status: 200, body: 'some_new_error' }, { status: 400, body: 'some_new_error' }, { status: 503, body: 'some_new_error' });
    const config = webhookConfig();
    const outcomes = [await sendEvent(slack, config, { http }), await sendEvent(slack, config, { http }), await sendEvent(slack, config, { http })];
    expect(outcomes).toMatchObject([
      { kind: 'permanent', reason: 'unexpected_response', message: 'Slack answered some_new_error' },
      { kind: 'permanent', reason: 'client_error', message: expect.stringContaining('Slack answered some_new_error') },
      { kind: 'retryable', reason: 'server_error', message: expect.stringContaining('Slack answered some_new_error') },
    ]);
  });

  test('a 2xx whose body is not an error code is delivered (only codes are read)', async () => {
    receiver.script({ status: 200, body: '<html>posted</html>' });
    const { outcome } = await deliver(webhookConfig());
    expect(outcome.kind).toBe('delivered');
  });

  test('no outcome prints the webhook URL, its path or the secret', async () => {
    const config = webhookConfig({ secret: WEBHOOK_SECRET });
    const secrets = [config.webhook_url, '/services/T0ACME/B0SOC/s3cr3tPathToken', 's3cr3tPathToken', WEBHOOK_SECRET];
    receiver.script({ status: 404, body: 'no_service' }, { status: 500, body: 'rollup_error' }, { status: 302, headers: { location: config.webhook_url } });
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await sendEvent(slack, config, { http }));
    outcomes.push(await sendEvent(slack, { ...config, webhook_url: `http://127.0.0.1:${await freePort()}/services/T0ACME/B0SOC/s3cr3tPathToken` }, { http }));
    expect(outcomes.map((o) => o.kind)).toEqual(['permanent', 'retryable', 'permanent', 'retryable']);
    expectNoSecret(outcomes, secrets);
  });
});

describe('bot token (chat.postMessage)', () => {
  test('posts {channel, text, blocks} to {api_url}/chat.postMessage with the bearer token; the documented answer is delivered', async () => {
    receiver.script(json(fixtureFile('chat.postMessage-ok.json')));
    const { outcome, request, body } = await deliver(botConfig());
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/chat.postMessage');
    expect(request.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(body).sort()).toEqual(['blocks', 'channel', 'text']);
    expect(body.channel).toBe('C0SECOPS');
    expect(body).toEqual({ channel: 'C0SECOPS', ...JSON.parse(JSON.stringify(renderSlackMessage(sampleEvent()))) });
  });

  test('an api_url with a path or a trailing slash is a base the method is appended to', async () => {
    receiver.script(json('{"ok":true}'), json('{"ok":true}'));
    await sendEvent(slack, botConfig({ api_url: `${receiver.url}/api/` }), { http });
    await sendEvent(slack, botConfig({ api_url: `${receiver.url}/gov/api` }), { http });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage', '/gov/api/chat.postMessage']);
  });

  test('changing only `channel` moves the alerts: the next send goes to the new channel with the same token', async () => {
    receiver.route('/chat.postMessage', json(fixtureFile('chat.postMessage-ok.json')));
    const before = botConfig();
    const after = { ...before, channel: 'C0INCIDENTS' };
    expect(await sendEvent(slack, before, { http })).toMatchObject({ kind: 'delivered' });
    expect(await sendEvent(slack, after, { http })).toMatchObject({ kind: 'delivered' });
    const posts = receiver.requests.filter((r) => r.route === '/chat.postMessage');
    expect(posts.map((r) => JSON.parse(r.body.toString()).channel)).toEqual(['C0SECOPS', 'C0INCIDENTS']);
    expect(posts.map((r) => r.headers.authorization)).toEqual([`Bearer ${BOT_TOKEN}`, `Bearer ${BOT_TOKEN}`]);
  });

  // HTTP 200 with {"ok": false, "error": …}: chat.postMessage "Errors" and the common Web API errors.
  test.each([
    ['channel_not_found', 'permanent', 'not_found'],
    ['not_in_channel', 'permanent', 'not_found'],
    ['is_archived', 'permanent', 'not_found'],
    ['invalid_auth', 'permanent', 'auth_error'],
    ['not_authed', 'permanent', 'auth_error'],
    ['token_revoked', 'permanent', 'auth_error'],
    ['account_inactive', 'permanent', 'auth_error'],
    ['missing_scope', 'permanent', 'auth_error'],
    ['no_permission', 'permanent', 'auth_error'],
    ['restricted_action', 'permanent', 'auth_error'],
    ['restricted_action_read_only_channel', 'permanent', 'auth_error'],
    ['restricted_action_thread_only_channel', 'permanent', 'auth_error'],
    ['msg_too_long', 'permanent', 'client_error'],
    ['invalid_arguments', 'permanent', 'client_error'],
    ['invalid_blocks', 'permanent', 'client_error'],
    ['no_text', 'permanent', 'client_error'],
    ['fatal_error', 'retryable', 'server_error'],
    ['internal_error', 'retryable', 'server_error'],
    ['request_timeout', 'retryable', 'timeout'],
    ['ratelimited', 'retryable', 'rate_limited'],
    ['rate_limited', 'retryable', 'rate_limited'],
  ] as const)('ok:false `%s` → %s %s', async (code, kind, reason) => {
    const body = JSON.stringify({ ok: false, error: code, response_metadata: { messages: ['free text we never read'] } });
    receiver.script(json(body));
    const { outcome } = await deliver(botConfig());
    expect(outcome).toEqual({ kind, reason, status: 200, body, message: `Slack answered ${code}` });
  });

  test('the documented error example is permanent', async () => {
    receiver.script(json(fixtureFile('chat.postMessage-error.json')));
    const { outcome } = await deliver(botConfig());
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 200, message: 'Slack answered too_many_attachments' });
  });

  test('HTTP 429 is rate_limited with Retry-After; a body `ratelimited` at 200 keeps Retry-After too', async () => {
    receiver.script(json('{"ok":false,"error":"ratelimited"}', 429, { 'retry-after': '30' }), json('{"ok":false,"error":"ratelimited"}', 200, { 'retry-after': '3' }));
    const first = await sendEvent(slack, botConfig(), { http });
    const second = await sendEvent(slack, botConfig(), { http });
    expect(first).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 429, retryAfterMs: 30_000 });
    expect(second).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 200, retryAfterMs: 3_000 });
  });

  test('an unknown error code, or a 200 without {"ok": true}, is permanent unexpected_response', async () => {
    receiver.script(json('{"ok":false,"error":"brand_new_error"}'), { status: 200, body: 'ok' }, json('{"channel":"C1"}'));
    const outcomes = [await sendEvent(slack, botConfig(), { http }), await sendEvent(slack, botConfig(), { http }), await sendEvent(slack, botConfig(), { http })];
    expect(outcomes).toMatchObject([
      { kind: 'permanent', reason: 'unexpected_response', message: 'Slack answered brand_new_error' },
      { kind: 'permanent', reason: 'unexpected_response', message: 'Slack answered HTTP 200 without {"ok": true}' },
      { kind: 'permanent', reason: 'unexpected_response' },
    ]);
  });

  test('an error text that is not a code is never echoed in the message', async () => {
    receiver.script(json(JSON.stringify({ ok: false, error: `leak ${BOT_TOKEN}` })));
    const { outcome } = await deliver(botConfig());
    expect(outcome.kind).toBe('permanent');
    expect((outcome as { message: string }).message).not.toContain(BOT_TOKEN);
  });

  test('other statuses follow the shared rules', async () => {
    receiver.script({ status: 502, body: '<html>bad gateway</html>' }, { status: 401 }, json('{"ok":false,"error":"invalid_auth"}', 400));
    const outcomes = [await sendEvent(slack, botConfig(), { http }), await sendEvent(slack, botConfig(), { http }), await sendEvent(slack, botConfig(), { http })];
    expect(outcomes).toMatchObject([
      { kind: 'retryable', reason: 'server_error', status: 502 },
      { kind: 'permanent', reason: 'auth_error', status: 401 },
      { kind: 'permanent', reason: 'auth_error', status: 400, message: 'Slack answered invalid_auth' },
    ]);
  });

  test('no outcome prints the bot token', async () => {
    receiver.script(json('{"ok":false,"error":"invalid_auth"}'), { status: 500 });
    const outcomes = [await sendEvent(slack, botConfig(), { http }), await sendEvent(slack, botConfig(), { http }), await sendEvent(slack, botConfig({ api_url: `http://127.0.0.1:${await freePort()}` }), { http })];
    expect(outcomes.map((o) => o.kind)).toEqual(['permanent', 'retryable', 'retryable']);
    expectNoSecret(outcomes, [BOT_TOKEN]);
  });

  test('urls() names the Slack API by default and the webhook URL in webhook mode', () => {
    expect(slack.urls({ channel: 'C0SECOPS', bot_token: BOT_TOKEN })).toEqual(['https://slack.com/api/chat.postMessage']);
    expect(slack.urls({ channel: 'C0SECOPS', bot_token: BOT_TOKEN, api_url: 'https://slack-gov.com/api/' })).toEqual(['https://slack-gov.com/api/chat.postMessage']);
    expect(slack.urls({ webhook_url: 'https://hooks.slack.com/services/T0/B0/x' })).toEqual(['https://hooks.slack.com/services/T0/B0/x']);
  });

  test('channel names and IDs are accepted; the stored form keeps team_id and team_name', () => {
    for (const channel of ['C0SECOPS', 'G01ABCDEF', '#soc-alerts', 'soc_alerts', 'инциденты']) {
      expect(slack.configSchema.safeParse({ channel, bot_token: BOT_TOKEN, team_id: 'T9TK3CUKW', team_name: 'Slack Softball Team' }).success).toBe(true);
    }
    expect(slack.configSchema.safeParse({ channel: 'C0SECOPS', bot_token: `xoxe.${BOT_TOKEN}` }).success).toBe(true);
  });
});

describe('creation hook (OAuth code → bot token)', () => {
  const create = slack.create!;
  const input = () => ({ channel: 'C0SECOPS', slack_oauth_code: OAUTH_CODE, api_url: receiver.url });
  const deps = (settings: Record<string, string> = SETTINGS, client = http) => ({ http: client, settings });
  const secrets = [OAUTH_CODE, CLIENT_SECRET, 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy'];

  test('declares the operator settings, the client secret as a secret', () => {
    expect(slack.settings).toEqual([
      expect.objectContaining({ env: 'TOCSIN_SLACK_CLIENT_ID', secret: false, description: expect.any(String) }),
      expect.objectContaining({ env: 'TOCSIN_SLACK_CLIENT_SECRET', secret: true, description: expect.any(String) }),
    ]);
  });

  test('the input schema takes a webhook, an OAuth code, or a stored bot config; only the code needs prepare', () => {
    const forms = [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/x' }, input(), { channel: 'C0SECOPS', bot_token: BOT_TOKEN }];
    for (const form of forms) expect(create.inputSchema.safeParse(form).success).toBe(true);
    expect(forms.map((form) => create.needsPrepare(create.inputSchema.parse(form)))).toEqual([false, true, false]);
    for (const bad of [{ ...input(), bot_token: BOT_TOKEN }, { ...input(), webhook_url: 'https://hooks.slack.com/services/T0/B0/x' }, { ...input(), extra: 1 }, { channel: 'C0SECOPS' }, { ...input(), slack_oauth_code: 'a b' }]) {
      expect(create.inputSchema.safeParse(bad).success).toBe(false);
    }
  });

  test('exchanges the code with Basic client credentials and a form body; the result is stored and posts with the bot token', async () => {
    receiver.route('/oauth.v2.access', json(fixtureFile('oauth.v2.access-ok.json')));
    receiver.route('/chat.postMessage', json(fixtureFile('chat.postMessage-ok.json')));

    const stored = await create.prepare(input(), deps());
    expect(stored).toEqual({ channel: 'C0SECOPS', bot_token: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy', api_url: receiver.url, team_id: 'T9TK3CUKW', team_name: 'Slack Softball Team' });
    expect(slack.configSchema.safeParse(stored).success).toBe(true);

    const [exchange] = receiver.requests;
    expect(exchange!.method).toBe('POST');
    expect(exchange!.path).toBe('/oauth.v2.access');
    expect(exchange!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const [scheme, encoded] = (exchange!.headers.authorization as string).split(' ');
    expect(scheme).toBe('Basic');
    expect(Buffer.from(encoded!, 'base64').toString('utf8')).toBe(`${CLIENT_ID}:${CLIENT_SECRET}`);
    const form = new URLSearchParams(exchange!.body.toString('utf8'));
    expect([...form.keys()]).toEqual(['code']);
    expect(form.get('code')).toBe(OAUTH_CODE);

    expect(await sendEvent(slack, stored, { http })).toMatchObject({ kind: 'delivered' });
    const post = receiver.requests.find((r) => r.route === '/chat.postMessage')!;
    expect(post.headers.authorization).toBe('Bearer xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy');
    expect(JSON.parse(post.body.toString()).channel).toBe('C0SECOPS');
  });

  test('missing operator settings → slack_oauth_not_configured, the operator’s fault, nothing sent', async () => {
    for (const settings of [{}, { TOCSIN_SLACK_CLIENT_ID: CLIENT_ID }, { TOCSIN_SLACK_CLIENT_SECRET: CLIENT_SECRET }] as Array<Record<string, string>>) {
      const error = await rejectionOf(create.prepare(input(), deps(settings)));
      expect(error).toBeInstanceOf(PrepareError);
      expect(error).toMatchObject({ code: 'slack_oauth_not_configured', field: 'slack_oauth_code', fault: 'operator' });
      expect((error as Error).message).toContain('TOCSIN_SLACK_CLIENT_SECRET');
    }
    expect(receiver.requests).toHaveLength(0);
  });

  test('a refused code → slack_oauth_failed naming Slack’s error, never the code or the secret', async () => {
    receiver.route('/oauth.v2.access', json(fixtureFile('oauth.v2.access-error.json')));
    const error = await rejectionOf(create.prepare(input(), deps()));
    expect(error).toBeInstanceOf(PrepareError);
    expect(error).toMatchObject({ code: 'slack_oauth_failed', field: 'slack_oauth_code', fault: 'admin', message: 'Slack refused the code: invalid_code' });
    expectNoSecret(error, secrets);
  });

  test('the app’s own credentials refused → slack_oauth_failed, the operator’s fault', async () => {
    receiver.route('/oauth.v2.access', json('{"ok":false,"error":"bad_client_secret"}'));
    const error = await rejectionOf(create.prepare(input(), deps()));
    expect(error).toMatchObject({ code: 'slack_oauth_failed', fault: 'operator', message: 'Slack refused the code: bad_client_secret' });
  });

  test('a grant without a bot token (user scopes only) is refused', async () => {
    receiver.route('/oauth.v2.access', json(JSON.stringify({ ok: true, team: { id: 'T1', name: 'x' }, authed_user: { id: 'U1', access_token: 'xoxp-1234', token_type: 'user' } })));
    const error = await rejectionOf(create.prepare(input(), deps()));
    expect(error).toMatchObject({ code: 'slack_oauth_failed', field: 'slack_oauth_code' });
    expectNoSecret(error, [...secrets, 'xoxp-1234']);
  });

  test.each([
    ['HTTP 503', json('{}', 503)],
    ['HTTP 429', json('{"ok":false,"error":"ratelimited"}', 429, { 'retry-after': '30' })],
    ['a non-JSON 200', { status: 200, body: '<html>maintenance</html>' }],
  ] as const)('%s → slack_unavailable, the operator’s fault (503: try again)', async (_name, response) => {
    receiver.route('/oauth.v2.access', response);
    const error = await rejectionOf(create.prepare(input(), deps()));
    expect(error).toMatchObject({ code: 'slack_unavailable', field: 'slack_oauth_code', fault: 'operator' });
    expectNoSecret(error, secrets);
  });

  test('Slack unreachable → slack_unavailable; an api_url the egress guard refuses → egress_denied on api_url', async () => {
    const refused = await rejectionOf(create.prepare({ ...input(), api_url: `http://127.0.0.1:${await freePort()}` }, deps()));
    expect(refused).toMatchObject({ code: 'slack_unavailable', fault: 'operator' });
    const guarded = await rejectionOf(create.prepare(input(), deps(SETTINGS, createHttpClient({ timeoutMs: 5_000 }))));
    expect(guarded).toMatchObject({ code: 'egress_denied', field: 'api_url', fault: 'admin' });
    expect(receiver.requests).toHaveLength(0);
    expectNoSecret([refused, guarded], secrets);
  });

  test('a stored bot config posted as input is kept as it is', async () => {
    const stored = { channel: 'C0INCIDENTS', bot_token: BOT_TOKEN, team_id: 'T9TK3CUKW' };
    expect(create.needsPrepare(stored)).toBe(false);
    expect(await create.prepare(stored, deps())).toEqual(stored);
  });
});

describe('the message', () => {
  const mrkdwnTexts = (message: ReturnType<typeof renderSlackMessage>): Array<{ text: string; verbatim?: boolean }> =>
    JSON.parse(JSON.stringify(message.blocks)).flatMap((block: { text?: { type: string }; fields?: unknown[]; elements?: unknown[] }) =>
      [block.text, ...(block.fields ?? []), ...(block.elements ?? [])].filter((t): t is { type: string; text: string } => (t as { type?: string } | undefined)?.type === 'mrkdwn'),
    );

  test.each([
    ['critical', ':red_circle:', 'Critical', '[CRITICAL]'],
    ['high', ':large_orange_circle:', 'High', '[HIGH]'],
    ['medium', ':large_yellow_circle:', 'Medium', '[MEDIUM]'],
    ['low', ':large_blue_circle:', 'Low', '[LOW]'],
  ] as const)('severity %s → %s *%s*, fallback %s', (severity, emoji, label, prefix) => {
    const message = renderSlackMessage(sampleEvent({ severity }));
    const summary = message.blocks[1] as { type: string; text: { text: string } };
    expect(summary.type).toBe('section');
    expect(summary.text.text.startsWith(`${emoji} *${label}* severity`)).toBe(true);
    expect(message.text.startsWith(`${prefix} Credential exposure detected`)).toBe(true);
  });

  test('header, summary with category and action, facts, detail fields, context — and a fallback text', () => {
    const message = renderSlackMessage(sampleEvent());
    expect(message.text).toBe('[CRITICAL] Credential exposure detected — db-password');
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Credential exposure detected', emoji: false } });
    expect((message.blocks[1] as { text: { text: string } }).text.text).toBe(':red_circle: *Critical* severity  ·  Category: secret  ·  Action: `credential.exposure.detected`');
    expect((message.blocks[2] as { fields: Array<{ text: string }> }).fields.map((f) => f.text)).toEqual([
      '*Actor*\nZoë Åkesson (User · u_1842)',
      '*Resource*\ndb-password (Secret · vault/prod/db-password)',
      '*Source IP*\n198.51.100.23',
      '*Time*\n2026-11-22T09:58:31.120Z',
    ]);
    expect((message.blocks[3] as { fields: Array<{ text: string }> }).fields.map((f) => f.text)).toEqual(['*leak_source*\npublic-repo', '*commit*\na1b2c3d', '*matches*\n2', '*note*\nquotes " and \\ and &lt;tags&gt;']);
    expect(blockKitViolations(message)).toEqual([]);
  });

  test('event text cannot ping or link: & < > are escaped, mrkdwn is verbatim, bare broadcasts are broken', () => {
    const evil = '<!channel> <!here> <@U024BE7LH> <#C0SECOPS> <!subteam^S123> <https://evil.example|click> & @channel @here @everyone';
    const party = { id: evil, type: evil, name: evil };
    const message = renderSlackMessage(sampleEvent({ title: evil, category: evil, action: evil, actor: party, resource: party, source_ip: evil, detail: { [evil]: evil, nested: { evil } } }));
    const texts = [...mrkdwnTexts(message), { text: message.text }];
    expect(texts.length).toBeGreaterThan(8);
    for (const { text } of texts) {
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(text).not.toMatch(/@(channel|here|everyone)/);
    }
    for (const element of mrkdwnTexts(message)) expect(element.verbatim).toBe(true);
    expect(message.text).toContain('&lt;!channel&gt;');
    expect(message.text).toContain('&lt;@U024BE7LH&gt;');
    expect(message.text).toContain('&amp;');
    // plain_text is never parsed for mentions: the header shows the title as typed.
    expect((message.blocks[0] as { text: { type: string; text: string } }).text).toMatchObject({ type: 'plain_text', text: evil });
    expect(evil.length).toBeLessThan(MAX_HEADER_TEXT);
  });

  test('a huge event stays within every Block Kit limit, and says how many detail keys were left out', () => {
    const long = (n: number) => 'ab😀&<'.repeat(n);
    const detail: Record<string, unknown> = {
      blob: 'x'.repeat(3 * 1024 * 1024),
      [long(500)]: long(5000),
      nested: { deep: Array.from({ length: 5000 }, (_, i) => ({ i, s: long(3) })) },
      ...Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`key_${i}`, `value ${i} ${'y'.repeat(100)}`])),
    };
    const party = { id: long(3000), type: long(3000), name: long(3000) };
    const event = sampleEvent({ title: long(3000), category: long(3000), action: long(3000), actor: party, resource: party, source_ip: long(3000), detail });
    const message = renderSlackMessage(event);

    expect(blockKitViolations(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(message.text.length).toBeLessThanOrEqual(MAX_FALLBACK_TEXT);
    const header = message.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(MAX_HEADER_TEXT);
    expect(header.text.text.endsWith('…')).toBe(true);
    const sections = message.blocks.filter((b) => b.type === 'section') as Array<{ text?: { text: string }; fields?: Array<{ text: string }> }>;
    for (const section of sections) {
      if (section.text) expect(section.text.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
      expect((section.fields ?? []).length).toBeLessThanOrEqual(MAX_SECTION_FIELDS);
      for (const f of section.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(MAX_FIELD_TEXT);
    }
    const detailFields = sections.slice(2).flatMap((s) => s.fields ?? []);
    expect(detailFields).toHaveLength(MAX_DETAIL_FIELDS);
    expect(detailFields[0]!.text.startsWith('*blob*\nxxx')).toBe(true);
    expect(detailFields[0]!.text).toHaveLength(MAX_FIELD_TEXT);
    const keys = Object.keys(detail).length;
    const context = message.blocks.at(-1) as { type: string; elements: Array<{ text: string }> };
    expect(context.type).toBe('context');
    expect(context.elements.map((e) => e.text)).toContain(`… ${keys - MAX_DETAIL_FIELDS} more detail keys omitted; the full record is in the Events API`);

    // Cuts never split an entity or a surrogate pair.
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(header.text.text).not.toMatch(loneSurrogate);
    for (const { text } of [...mrkdwnTexts(message), { text: message.text }]) {
      expect(text).not.toMatch(loneSurrogate);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  test('a cut through escaped text keeps whole entities', () => {
    const message = renderSlackMessage(sampleEvent({ detail: { amps: '&'.repeat(5000) } }));
    const field = (message.blocks[3] as { fields: Array<{ text: string }> }).fields[0]!.text;
    expect(field).toMatch(/^\*amps\*\n(?:&amp;)+…$/);
    expect(field.length).toBeLessThanOrEqual(MAX_FIELD_TEXT);
  });

  test('absent actor, resource, source IP, category and detail leave no empty fields', () => {
    const message = renderSlackMessage(sampleEvent({ actor: null, resource: null, source_ip: null, category: null, detail: {} }));
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect((message.blocks[2] as { fields: Array<{ text: string }> }).fields.map((f) => f.text)).toEqual(['*Time*\n2026-11-22T09:58:31.120Z']);
    expect((message.blocks[1] as { text: { text: string } }).text.text).toContain('Category: none');
    expect(message.text).toBe('[CRITICAL] Credential exposure detected');
    expect(blockKitViolations(message)).toEqual([]);
  });

  test('is pure: the same event gives the same message', () => {
    expect(renderSlackMessage(sampleEvent())).toEqual(renderSlackMessage(sampleEvent()));
  });
});
