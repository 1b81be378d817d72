/**
 * Webhook signatures. Both schemes are HMAC-SHA256 over the exact bytes sent; they differ in the
 * key and the signed content, and mixing them up is the classic mistake:
 *
 * - Standard Webhooks (https://www.standardwebhooks.com, spec v1.0.0 "Signature scheme"): the key
 *   is the base64-decoded part of `whsec_...`; the content is `${msgId}.${timestamp}.${body}`;
 *   the signature is `v1,<base64>`.
 * - GitHub style (https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries):
 *   the key is the secret string exactly as configured (its UTF-8 bytes); the content is the body;
 *   the signature is `sha256=<hex>`.
 */
import { createHmac } from 'node:crypto';

export const STANDARD_WEBHOOKS_SECRET_PREFIX = 'whsec_';

/** The signing secret is not `whsec_` followed by base64, or an id or timestamp breaks the format. */
export class SigningInputError extends Error {
  override readonly name = 'SigningInputError';
  readonly code = 'signing_input_invalid' as const;
  /** Which input was wrong; its value is never repeated, the secret may be one. */
  readonly field: 'secret' | 'msgId' | 'timestamp';

  constructor(field: 'secret' | 'msgId' | 'timestamp', message: string) {
    super(message);
    this.field = field;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key of a Standard Webhooks secret: the bytes the base64 after `whsec_` encodes. */
export function standardWebhookKey(secret: string): Buffer {
  if (!secret.startsWith(STANDARD_WEBHOOKS_SECRET_PREFIX)) {
    throw new SigningInputError('secret', `a Standard Webhooks secret starts with ${STANDARD_WEBHOOKS_SECRET_PREFIX}`);
  }
  const encoded = secret.slice(STANDARD_WEBHOOKS_SECRET_PREFIX.length);
  if (encoded === '' || !BASE64.test(encoded)) {
    throw new SigningInputError('secret', `a Standard Webhooks secret is ${STANDARD_WEBHOOKS_SECRET_PREFIX} followed by base64`);
  }
  return Buffer.from(encoded, 'base64');
}

/**
 * `v1,<base64 HMAC-SHA256>` of `${msgId}.${timestampSec}.${body}` keyed with the decoded secret
 * (the value of the `webhook-signature` header).
 */
export function standardWebhookSignature(secret: string, msgId: string, timestampSec: number, body: string | Buffer): string {
  // The spec separates the parts with dots, so an id with a dot would make the content ambiguous.
  if (msgId === '' || msgId.includes('.')) throw new SigningInputError('msgId', 'a message id must be non-empty and contain no "."');
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) throw new SigningInputError('timestamp', 'a timestamp is whole Unix seconds');
  const digest = createHmac('sha256', standardWebhookKey(secret)).update(`${msgId}.${timestampSec}.`).update(body).digest('base64');
  return `v1,${digest}`;
}

/**
 * `sha256=<hex HMAC-SHA256>` of the body keyed with the secret string exactly as configured,
 * prefix included (the value of `X-Tocsin-Signature`, verifiable like GitHub's
 * `X-Hub-Signature-256`).
 */
export function hubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
