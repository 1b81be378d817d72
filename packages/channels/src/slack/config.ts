import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';

/**
 * Slack's production Web API base (https://docs.slack.dev/reference/methods/chat.postMessage,
 * https://docs.slack.dev/reference/methods/oauth.v2.access). `api_url` overrides it for GovSlack
 * (`https://slack-gov.com/api`), proxies and tests.
 */
export const SLACK_API_URL = 'https://slack.com/api';

/**
 * Longest accepted URL. Slack's webhook URLs are about 80 characters; 2,048 is the practical limit
 * of browsers and proxies (as for the generic webhook), and anything longer is a mistake.
 */
export const SLACK_URL_MAX_LENGTH = 2048;

/**
 * Signing secret length. Any string works for the HMAC (it is keyed with the secret's UTF-8 bytes,
 * GitHub style); 16 characters is a floor against typing in a password, 256 a sanity bound.
 */
export const SLACK_SECRET_MIN_LENGTH = 16;
export const SLACK_SECRET_MAX_LENGTH = 256;

/**
 * A channel ID (`C…` public, `G…` private, `D…` DM; IDs are stable across renames) or a channel
 * name, optionally with `#`. Slack: "Channel names can only contain lowercase letters, numbers,
 * hyphens, and underscores, and must be 80 characters or less"
 * (https://slack.com/help/articles/201402297-Create-a-channel). Non-Latin lowercase letters are
 * allowed in names, so the classes are Unicode ones.
 */
const CHANNEL = /^(?:[CGD][A-Z0-9]{2,20}|#?[\p{Ll}\p{Lo}\p{Nd}_-]{1,80})$/u;

/**
 * A Slack token: `xoxb-` for a bot, `xoxe.xoxb-` with token rotation
 * (https://docs.slack.dev/authentication/tokens). Only characters that can go in an HTTP header.
 */
const BOT_TOKEN = /^(?:xoxe\.)?xox[a-z]-[A-Za-z0-9-]{1,500}$/;

/** A workspace (`T…`) or Enterprise Grid org (`E…`) ID, as `oauth.v2.access` returns it. */
const TEAM_ID = /^[A-Z0-9]{1,32}$/;

/** An authorization code from Slack's redirect: opaque, but never more than this. */
const OAUTH_CODE = /^[A-Za-z0-9._-]{1,512}$/;

const channelField = z.string().regex(CHANNEL, { message: 'must be a Slack channel ID (C…, G…, D…) or a lowercase channel name' });
/** A base that method names are appended to (`…/chat.postMessage`): no query or fragment. */
const apiUrlField = httpUrlField(SLACK_URL_MAX_LENGTH)
  .refine((value) => !value.includes('?') && !value.includes('#'), { message: 'must be a base URL without a query or fragment' })
  .optional();

/** Mode 1: an incoming webhook. The URL is the credential (one webhook = one channel). */
export const slackWebhookConfigSchema = z.strictObject({
  /** `https://hooks.slack.com/services/T…/B…/…`. A secret: whoever has it can post. */
  webhook_url: httpUrlField(SLACK_URL_MAX_LENGTH),
  /** When set, requests carry `X-Tocsin-Signature: sha256=<hex HMAC of the body>`. */
  secret: z.string().min(SLACK_SECRET_MIN_LENGTH).max(SLACK_SECRET_MAX_LENGTH).regex(/^[\x21-\x7e]+$/, { message: 'must be visible ASCII' }).optional(),
});

/** Mode 2, stored: a bot token (from the OAuth exchange) that posts with `chat.postMessage`. */
export const slackBotConfigSchema = z.strictObject({
  /** Read at every send: changing it alone moves the alerts. */
  channel: channelField,
  bot_token: z.string().regex(BOT_TOKEN, { message: 'must be a Slack bot token (xoxb-…)' }),
  /** @defaultValue {@link SLACK_API_URL} */
  api_url: apiUrlField,
  /** The workspace the app was installed to, for display. */
  team_id: z.string().regex(TEAM_ID).optional(),
  team_name: z.string().min(1).max(256).optional(),
});

/** Mode 2, as posted: a channel and the code Slack's OAuth redirect carried. Never stored. */
export const slackOAuthInputSchema = z.strictObject({
  channel: channelField,
  slack_oauth_code: z.string().regex(OAUTH_CODE, { message: 'must be the code from Slack’s OAuth redirect' }),
  /** @defaultValue {@link SLACK_API_URL} */
  api_url: apiUrlField,
});

/** The stored config: validated on save and on every load. */
export const slackConfigSchema = z.union([slackWebhookConfigSchema, slackBotConfigSchema]);

/**
 * What an admin may post: a webhook, an OAuth code to exchange, or an already stored bot config
 * (an update that keeps the token and changes `channel`).
 */
export const slackInputSchema = z.union([slackWebhookConfigSchema, slackOAuthInputSchema, slackBotConfigSchema]);

export type SlackWebhookConfig = z.infer<typeof slackWebhookConfigSchema>;
export type SlackBotConfig = z.infer<typeof slackBotConfigSchema>;
export type SlackOAuthInput = z.infer<typeof slackOAuthInputSchema>;
export type SlackConfig = z.infer<typeof slackConfigSchema>;
export type SlackInput = z.infer<typeof slackInputSchema>;

export const SLACK_SECRET_FIELDS = ['webhook_url', 'secret', 'bot_token'] as const;
export type SlackSecretField = (typeof SLACK_SECRET_FIELDS)[number];

/** The Web API base without a trailing slash. */
export const apiBase = (apiUrl: string | undefined): string => (apiUrl ?? SLACK_API_URL).replace(/\/+$/, '');

