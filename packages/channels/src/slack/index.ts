import { defineChannel } from '../core/channel.js';
import { apiBase, SLACK_SECRET_FIELDS, slackConfigSchema, slackInputSchema, type SlackConfig, type SlackInput } from './config.js';
import { exchangeOAuthCode, SLACK_SETTINGS } from './oauth.js';
import { openSlack } from './send.js';

export {
  slackConfigSchema,
  slackInputSchema,
  slackWebhookConfigSchema,
  slackBotConfigSchema,
  slackOAuthInputSchema,
  SLACK_API_URL,
  type SlackConfig,
  type SlackInput,
  type SlackWebhookConfig,
  type SlackBotConfig,
  type SlackOAuthInput,
} from './config.js';
export { renderSlackMessage, escapeMrkdwn, type SlackMessage } from './render.js';
export { SEVERITY_STYLES } from './severity.js';
export { SLACK_CLIENT_ID_ENV, SLACK_CLIENT_SECRET_ENV } from './oauth.js';

/**
 * Slack: an incoming webhook (`webhook_url`, optionally HMAC-signed), or a bot token from an
 * OAuth install that posts with `chat.postMessage` to `channel`. See README.md.
 */
export const slack = defineChannel({
  id: 'slack',
  sinkType: 'Slack',
  plan: 'team',
  configSchema: slackConfigSchema,
  secretFields: SLACK_SECRET_FIELDS,
  urls: (config: SlackConfig) => ('webhook_url' in config ? [config.webhook_url] : [`${apiBase(config.api_url)}/chat.postMessage`]),
  // "Incoming webhooks: 1 per second, short bursts >1 allowed"; chat.postMessage "generally allows
  // posting one message per second per channel" — https://docs.slack.dev/apis/web-api/rate-limits
  request: { ratePerSecond: 1 },
  settings: SLACK_SETTINGS,
  create: {
    inputSchema: slackInputSchema,
    needsPrepare: (input: SlackInput) => 'slack_oauth_code' in input,
    prepare: async (input: SlackInput, deps): Promise<SlackConfig> => ('slack_oauth_code' in input ? exchangeOAuthCode(input, deps) : input),
  },
  open: openSlack,
});
