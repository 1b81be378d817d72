import { readFileSync } from 'node:fs';
import type { ChannelFixture } from '../testing/fixture.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import { blockKitViolations } from './block-kit-limits.js';
import type { SlackConfig } from './config.js';

/** A signing secret of the accepted shape. */
export const WEBHOOK_SECRET = 'tocsin-slack-signing-secret-0123456789';
/** A bot token of the shape Slack issues (not a real one). */
export const BOT_TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
/** The path of the fixture's webhook URL: the part of it that is the credential. */
export const WEBHOOK_PATH = '/services/T000/B000/XXXX';

/** Slack's documented success body for a webhook. */
export const WEBHOOK_OK = readFileSync(new URL('./fixtures/webhook-ok.txt', import.meta.url), 'utf8');

const bot = { channel: 'C0SECOPS', bot_token: BOT_TOKEN };
const hook = 'https://hooks.slack.com/services/T000/B000/XXXX';

export const fixture: ChannelFixture<SlackConfig> = {
  // Webhook mode, so the shared status matrix applies to a plain-text `ok` channel.
  validConfig: (receiverUrl) => ({ webhook_url: `${receiverUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET }),
  invalidConfigs: [
    {},
    { secret: WEBHOOK_SECRET },
    { webhook_url: 42 },
    { webhook_url: null },
    { webhook_url: '' },
    { webhook_url: 'not a url' },
    { webhook_url: '/services/T000/B000/XXXX' },
    { webhook_url: 'ftp://hooks.slack.com/services/T000/B000/XXXX' },
    { webhook_url: 'file:///etc/passwd' },
    { webhook_url: 'https://user:pass@hooks.slack.com/services/T000/B000/XXXX' },
    { webhook_url: `${hook}\r\nX-Injected: 1` },
    { webhook_url: ` ${hook}` },
    { webhook_url: `https://hooks.slack.com/${'a'.repeat(2048)}` },
    { webhook_url: hook, secret: '' },
    { webhook_url: hook, secret: 'short' },
    { webhook_url: hook, secret: 42 },
    { webhook_url: hook, secret: null },
    { webhook_url: hook, secret: `${WEBHOOK_SECRET}\r\nX-Injected: 1` },
    { webhook_url: hook, secret: 'x'.repeat(257) },
    // Bot mode.
    { channel: 'C0SECOPS' },
    { bot_token: BOT_TOKEN },
    { ...bot, bot_token: '' },
    { ...bot, bot_token: 'not-a-slack-token' },
    { ...bot, bot_token: `${BOT_TOKEN}\r\nX-Injected: 1` },
    { ...bot, bot_token: `${BOT_TOKEN} ` },
    { ...bot, bot_token: 42 },
    { ...bot, channel: '' },
    { ...bot, channel: '<!channel>' },
    { ...bot, channel: 'SOC Alerts' },
    { ...bot, channel: 'a'.repeat(81) },
    { ...bot, channel: 42 },
    { ...bot, api_url: 'not a url' },
    { ...bot, api_url: 'ftp://slack.com/api' },
    { ...bot, api_url: 'https://user:pass@slack.com/api' },
    { ...bot, api_url: 'https://slack.com/api?token=x' },
    { ...bot, api_url: 'https://slack.com/api#x' },
    { ...bot, api_url: 'https://slack.com/api\r\nX-Injected: 1' },
    { ...bot, team_id: 'not a team' },
    { ...bot, team_id: 42 },
    { ...bot, team_name: '' },
    // Mixed modes, and the OAuth input form, which is never stored.
    { ...bot, webhook_url: hook },
    { webhook_url: hook, channel: 'C0SECOPS' },
    { channel: 'C0SECOPS', slack_oauth_code: '1234.5678.abcdef' },
    { ...bot, slack_oauth_code: '1234.5678.abcdef' },
  ],
  secretValues: (config) =>
    'webhook_url' in config ? [config.webhook_url, new URL(config.webhook_url).pathname, ...(config.secret ? [config.secret] : [])] : [config.bot_token],
  successBody: WEBHOOK_OK,
  // No byte limit of a message body is documented (for webhooks or chat.postMessage); the limits
  // that apply are Block Kit's, checked below.
  checkOversized(request: ReceivedRequest) {
    const message = JSON.parse(request.body.toString('utf8'));
    expect(blockKitViolations(message)).toEqual([]);
    const context = message.blocks.at(-1);
    expect(context.type).toBe('context');
    expect(context.elements.map((e: { text: string }) => e.text).join(' ')).toMatch(/\d+ more detail keys omitted/);
  },
};
