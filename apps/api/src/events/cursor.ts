import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { Window } from './query.js';

/**
 * A position in the (txid, seq) order, exclusive: the next read returns rows after it.
 * Both are decimal strings (xid8 and bigint do not fit a JS number safely).
 * seq starts at 1, so `{ txid: X, seq: '0' }` means "every row of transaction X and later".
 */
export interface Position {
  txid: string;
  seq: string;
}

/** Everything a next page needs; the client only ever sees it signed and opaque. */
export interface CursorState {
  window: Window;
  after: Position;
  /**
   * The highest txid in the window, known once the window is closed (no transaction that could
   * still add to it is open); bounds every later page's index scan. Null while unknown.
   */
  hi: string | null;
}

const VERSION = 1;
const digits = z.string().regex(/^\d{1,20}$/);
const payload = z.strictObject({
  v: z.literal(VERSION),
  f: z.number().int().nullable(),
  t: z.number().int().nullable(),
  x: digits,
  s: digits,
  h: digits.nullable(),
});

export function invalidCursor(message: string): ApiError {
  return new ApiError(400, 'invalid_cursor', message, [{ path: 'cursor', message }]);
}

/**
 * Cursors are `base64url(json).base64url(HMAC-SHA256)`. The MAC also covers the tenant, so a
 * cursor is good only for the tenant it was issued to. A cursor whose MAC does not verify is
 * refused before anything is read.
 */
export class CursorCodec {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('the cursor key must be at least 32 bytes');
  }

  #mac(tenantId: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`tocsin-events-cursor.${tenantId}.${body}`).digest();
  }

  encode(tenantId: string, state: CursorState): string {
    const body = Buffer.from(
      JSON.stringify({
        v: VERSION,
        f: state.window.from?.getTime() ?? null,
        t: state.window.to?.getTime() ?? null,
        x: state.after.txid,
        s: state.after.seq,
        h: state.hi,
      } satisfies z.infer<typeof payload>),
    ).toString('base64url');
    return `${body}.${this.#mac(tenantId, body).toString('base64url')}`;
  }

  /** @throws ApiError 400 invalid_cursor for anything this codec did not issue to this tenant. */
  decode(tenantId: string, cursor: string): CursorState {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined) throw invalidCursor('The cursor is malformed.');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(tenantId, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor('The cursor is not valid.');
    let parsed: z.infer<typeof payload>;
    try {
      parsed = payload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw invalidCursor('The cursor is not valid.'); // signed by us but unreadable: an older format
    }
    return {
      window: { from: parsed.f === null ? null : new Date(parsed.f), to: parsed.t === null ? null : new Date(parsed.t) },
      after: { txid: parsed.x, seq: parsed.s },
      hi: parsed.h,
    };
  }
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/**
 * A cursor carries its window; `from`/`to` given with it must name the same one (they may be
 * left out). Another window would make the position meaningless, so that is refused.
 */
export function checkWindow(state: CursorState, given: { from?: Date; to?: Date }): void {
  if ((given.from && !sameInstant(given.from, state.window.from)) || (given.to && !sameInstant(given.to, state.window.to))) {
    throw invalidCursor('The cursor belongs to another from/to window; send the same from and to, or none.');
  }
}
