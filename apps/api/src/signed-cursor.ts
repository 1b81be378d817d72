import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { ApiError } from './errors.js';

export function invalidCursor(message: string): ApiError {
  return new ApiError(400, 'invalid_cursor', message, [{ path: 'cursor', message }]);
}

/**
 * Opaque pagination cursors: `base64url(json).base64url(HMAC-SHA256)`. The MAC covers the
 * purpose (which listing issued it) and the tenant, so a cursor is good only for the listing and
 * the tenant it was issued to. A cursor whose MAC does not verify is refused before its payload
 * is even parsed, so a client cannot steer a query by editing one.
 */
export class CursorSigner {
  constructor(
    private readonly key: Buffer,
    /** Which listing: part of the MAC, e.g. `events`, `deliveries`. */
    private readonly purpose: string,
  ) {
    if (key.length < 32) throw new Error('the cursor key must be at least 32 bytes');
  }

  #mac(tenantId: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`tocsin-${this.purpose}-cursor.${tenantId}.${body}`).digest();
  }

  sign(tenantId: string, payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(tenantId, body).toString('base64url')}`;
  }

  /** @throws ApiError 400 invalid_cursor for anything this signer did not issue to this tenant. */
  open<T>(tenantId: string, cursor: string, schema: z.ZodType<T>): T {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined) throw invalidCursor('The cursor is malformed.');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(tenantId, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor('The cursor is not valid.');
    try {
      return schema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw invalidCursor('The cursor is not valid.'); // signed by us but unreadable: an older format
    }
  }
}
