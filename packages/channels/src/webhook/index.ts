import { defineChannel } from '../core/channel.js';
import { webhookConfigSchema } from './config.js';
import { openWebhook } from './send.js';

export { webhookConfigSchema, type WebhookConfig, WEBHOOK_URL_MAX_LENGTH, WEBHOOK_SECRET_MIN_BYTES, WEBHOOK_SECRET_MAX_BYTES } from './config.js';
export { renderWebhook, type RenderedWebhook, type WebhookRenderInput } from './render.js';

/** Any HTTPS endpoint, signed with Standard Webhooks and a GitHub-style signature. See README.md. */
export const webhook = defineChannel({
  id: 'webhook',
  sinkType: 'Webhook',
  plan: 'team',
  configSchema: webhookConfigSchema,
  secretFields: ['secret'],
  urls: (config) => [config.url],
  open: openWebhook,
});
