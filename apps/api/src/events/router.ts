import { Router } from 'express';
import type { Database } from '@tocsin/db';
import type { Logger } from '@tocsin/config';
import { principalOf, requirePlan, requireScope } from '../auth/authenticate.js';
import { CursorCodec, checkWindow, type CursorState } from './cursor.js';
import { NDJSON, STREAM_BATCH, streamNdjson } from './ndjson.js';
import { parseEventsQuery, type Window } from './query.js';
import { DEFAULT_LIMIT } from '../paging.js';
import { DEFAULT_SETTLE_MS, readPage } from './reader.js';

export interface EventsDeps {
  db: Database;
  logger: Logger;
  /** Signs cursors (see cursor-key.ts). */
  cursorKey: Buffer;
  /** Bound on an ingest transaction's duration. @defaultValue 10000 */
  eventsSettleMs?: number;
}

/**
 * `GET /events/v1?from=&to=&limit=&cursor=`: the tenant's whole audit stream, oldest first.
 * JSON pages by default; `Accept: application/x-ndjson` streams the window without pages.
 */
export function eventsRouter(deps: EventsDeps): Router {
  const codec = new CursorCodec(deps.cursorKey);
  const options = { settleMs: deps.eventsSettleMs ?? DEFAULT_SETTLE_MS };
  const router = Router();

  router.get('/events/v1', requireScope('events:read'), requirePlan('enterprise', 'The Events API'), async (req, res) => {
    const { tenantId } = principalOf(req);
    const query = parseEventsQuery(req.query);
    let start: CursorState | Window = { from: query.from ?? null, to: query.to ?? null };
    if (query.cursor) {
      const state = codec.decode(tenantId, query.cursor);
      checkWindow(state, query);
      start = state;
    }
    const read = (from: CursorState | Window, limit: number) => readPage(deps.db, tenantId, from, limit, options);
    const encode = (state: CursorState) => codec.encode(tenantId, state);
    res.vary('Accept');

    if (req.accepts(['application/json', NDJSON]) === NDJSON) {
      // `limit` is a page size; a stream has no pages, so it is ignored here.
      const first = await read(start, STREAM_BATCH);
      await streamNdjson(res, first, (s) => read(s, STREAM_BATCH), encode, deps.logger);
      return;
    }
    const page = await read(start, query.limit ?? DEFAULT_LIMIT);
    const next = page.next && encode(page.next);
    // The next page's address in a header too (RFC 8288): a client can ask for it while it still
    // parses this body. Relative to this request's path, so it survives a proxy's prefix.
    if (next) res.links({ next: `?${nextQuery(req.originalUrl, next)}` });
    // The records are JSON already (reader.ts): the body is written around them, not re-serialized.
    res.set('Cache-Control', 'no-store').type('json').send(`{"data":[${page.records.join(',')}],"next_cursor":${JSON.stringify(next)}}`);
  });
  return router;
}

/** This request's query with the cursor replaced by `cursor` (URLSearchParams re-encodes every value). */
function nextQuery(originalUrl: string, cursor: string): URLSearchParams {
  const params = new URL(originalUrl, 'http://localhost').searchParams;
  params.set('cursor', cursor);
  return params;
}
