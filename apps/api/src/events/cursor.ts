import { z } from 'zod';
import { CursorSigner, invalidCursor } from '../signed-cursor.js';
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

/**
 * Events API cursors, signed by a {@link CursorSigner} (the MAC covers the tenant: a cursor is
 * good only for the tenant it was issued to, and is refused before anything is read).
 */
export class CursorCodec {
  readonly #signer: CursorSigner;

  constructor(key: Buffer) {
    this.#signer = new CursorSigner(key, 'events');
  }

  encode(tenantId: string, state: CursorState): string {
    return this.#signer.sign(tenantId, {
      v: VERSION,
      f: state.window.from?.getTime() ?? null,
      t: state.window.to?.getTime() ?? null,
      x: state.after.txid,
      s: state.after.seq,
      h: state.hi,
    } satisfies z.infer<typeof payload>);
  }

  /** @throws ApiError 400 invalid_cursor for anything this codec did not issue to this tenant. */
  decode(tenantId: string, cursor: string): CursorState {
    const parsed = this.#signer.open(tenantId, cursor, payload);
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
