import { perDelivery, type OpenDeps, type Resolved, type Sender } from '../core/channel.js';
import { sendAndClassify } from '../core/classify.js';
import type { WebhookConfig } from './config.js';
import { renderWebhook } from './render.js';

/**
 * POSTs the record. The shared rules classify the answer: any 2xx is delivered; 408, 429 and 5xx
 * are retried (honouring `Retry-After`); 410 is permanent `not_found`, which Standard Webhooks
 * uses to mean "disable this endpoint"; 3xx is not followed.
 */
export function openWebhook(config: Resolved<WebhookConfig, 'secret'>, { http }: OpenDeps): Sender {
  return perDelivery(({ deliveryId, event }, ctx) => {
    const now = ctx.now();
    const { body, headers } = renderWebhook(event, {
      deliveryId,
      timestampSec: Math.floor(now.getTime() / 1000),
      secret: config.secret,
    });
    return sendAndClassify(http, { method: 'POST', url: config.url, headers, body }, { now });
  });
}
