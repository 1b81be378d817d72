import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';
import { STANDARD_WEBHOOKS_SECRET_PREFIX } from '../core/signing.js';

/**
 * Longest accepted endpoint URL. No standard sets one (RFC 9110 §4.1 only asks for at least
 * 8,000 octets); 2,048 is the long-standing practical limit of browsers and proxies, and a longer
 * webhook URL is almost certainly a mistake.
 */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

/**
 * Secret size in bytes after base64 decoding. Standard Webhooks (spec v1.0.0, "Symmetric
 * signatures"): "At least 24 bytes (192 bits), 512 maximum" — read as 512 bits, i.e. 64 bytes,
 * which is also HMAC-SHA256's block size (a longer key is hashed first and adds nothing).
 */
export const WEBHOOK_SECRET_MIN_BYTES = 24;
export const WEBHOOK_SECRET_MAX_BYTES = 64;

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isStandardWebhooksSecret(value: string): boolean {
  if (!value.startsWith(STANDARD_WEBHOOKS_SECRET_PREFIX)) return false;
  const encoded = value.slice(STANDARD_WEBHOOKS_SECRET_PREFIX.length);
  if (!CANONICAL_BASE64.test(encoded)) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= WEBHOOK_SECRET_MIN_BYTES && bytes <= WEBHOOK_SECRET_MAX_BYTES;
}

export const webhookConfigSchema = z.strictObject({
  /** The receiver's endpoint. http is accepted for private test setups; use https. */
  url: httpUrlField(WEBHOOK_URL_MAX_LENGTH),
  /**
   * Signing secret, `whsec_` + base64 of 24 to 64 random bytes. When set, every request carries
   * `webhook-signature` and `X-Tocsin-Signature`.
   */
  secret: z
    .string()
    .refine(isStandardWebhooksSecret, {
      message: `must be ${STANDARD_WEBHOOKS_SECRET_PREFIX} followed by base64 of ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes`,
    })
    .optional(),
});

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
