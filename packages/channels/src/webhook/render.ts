import type { EventRecord } from '../core/event-record.js';
import { toHeaderValue } from '../core/header-value.js';
import type { Secret } from '../core/secret.js';
import { hubSignature, standardWebhookSignature } from '../core/signing.js';
import { serializeEventRecord } from '../core/wire-record.js';

export interface WebhookRenderInput {
  /** The delivery id: `webhook-id`, the same on every attempt so receivers can dedupe. */
  deliveryId: string;
  /** Unix seconds of this attempt: `webhook-timestamp`, signed, so receivers can refuse replays. */
  timestampSec: number;
  secret?: Secret | undefined;
}

export interface RenderedWebhook {
  /** The exact bytes sent and signed. */
  body: string;
  headers: Record<string, string>;
}

/**
 * Shapes one delivery (design §4 "A generic webhook request"): the record as JSON, the Standard
 * Webhooks headers, and both signatures when the sink has a secret. Pure: the same input gives
 * the same request.
 */
export function renderWebhook(event: EventRecord, input: WebhookRenderInput): RenderedWebhook {
  const body = serializeEventRecord(event);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    // Actions are validated at ingest; encoding here keeps a bad one from splitting headers.
    'X-Tocsin-Event': toHeaderValue(event.action),
    'webhook-id': input.deliveryId,
    'webhook-timestamp': String(input.timestampSec),
  };
  if (input.secret !== undefined) {
    const secret = input.secret.reveal();
    headers['webhook-signature'] = standardWebhookSignature(secret, input.deliveryId, input.timestampSec, body);
    headers['X-Tocsin-Signature'] = hubSignature(secret, body);
  }
  return { body, headers };
}
