import type { Response } from 'express';
import type { Logger } from '@tocsin/config';
import type { CursorState } from './cursor.js';
import type { Page } from './reader.js';

export const NDJSON = 'application/x-ndjson';
/** Sent as an HTTP trailer when the stream ends before its window is complete (see docs/events-api.md). */
export const NEXT_CURSOR_TRAILER = 'Tocsin-Next-Cursor';
/** Rows per keyset read; memory holds at most two batches (one being written, one being read). */
export const STREAM_BATCH = 1000;

/** Resolves when the response can take more, or when the client has gone. */
function writable(res: Response): Promise<void> {
  if (!res.writableNeedDrain || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Streams the window as NDJSON, one record a line, reading keyset batches of STREAM_BATCH and
 * reading the next batch while the current one is written. Waits for 'drain' (backpressure) and
 * stops reading as soon as the client disconnects. The first batch is read before the status
 * line, so a failure there is still a JSON error; a failure later aborts the response (the
 * client sees a truncated chunked body, never a clean end).
 */
export async function streamNdjson(
  res: Response,
  first: Page,
  read: (state: CursorState) => Promise<Page>,
  encodeCursor: (state: CursorState) => string,
  logger: Logger,
): Promise<void> {
  let gone = false;
  res.on('close', () => {
    gone = true;
  });
  res.status(200).set({ 'Content-Type': `${NDJSON}; charset=utf-8`, 'Cache-Control': 'no-store', Trailer: NEXT_CURSOR_TRAILER });
  let page = first;
  try {
    for (;;) {
      // A short batch means the window is read up to the barrier: the stream ends there.
      const more = page.next !== null && page.records.length === STREAM_BATCH;
      const pending = more ? read(page.next!) : undefined;
      pending?.catch(() => undefined); // awaited below; do not let an early disconnect leave it unhandled
      if (page.records.length > 0) {
        res.write(page.records.join('\n') + '\n');
        await writable(res);
      }
      if (gone) {
        await pending?.catch(() => undefined);
        return;
      }
      if (!pending) break;
      page = await pending;
    }
    if (page.next) res.addTrailers({ [NEXT_CURSOR_TRAILER]: encodeCursor(page.next) });
    res.end();
  } catch (err) {
    logger.error({ err }, 'events stream failed after the response started');
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
