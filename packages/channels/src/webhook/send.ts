import type { Resolved, SendContext } from '../core/channel.js';
import { sendAndClassify } from '../core/classify.js';
import type { EventRecord } from '../core/event-record.js';
import type { Outcome } from '../core/outcome.js';
import type { WebhookConfig } from './config.js';
import { renderWebhook } from './render.js';

/**
 * POSTs the record. The shared rules classify the answer: any 2xx is delivered; 408, 429 and 5xx
 * are retried (honouring `Retry-After`); 410 is permanent `not_found`, which Standard Webhooks
 * uses to mean "disable this endpoint"; 3xx is not followed.
 */
export async function sendWebhook(config: Resolved<WebhookConfig, 'secret'>, event: EventRecord, ctx: SendContext): Promise<Outcome> {
  const now = ctx.now();
  const { body, headers } = renderWebhook(event, {
    deliveryId: ctx.deliveryId,
    timestampSec: Math.floor(now.getTime() / 1000),
    secret: config.secret,
  });
  return sendAndClassify(ctx.http, { method: 'POST', url: config.url, headers, body }, { now });
}
