import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

/** Compresses a request body off the event loop (SIEM intakes take `Content-Encoding: gzip`). */
export const gzip: (body: Buffer | string) => Promise<Buffer> = promisify(gzipCallback);

/**
 * Rendered JSON items as one JSON array: the body of Sentinel's and Datadog's intakes. Always an
 * array, even of one item: the Logs Ingestion API answers 204 to a bare object and ingests
 * nothing (azure-sdk-for-python#32562).
 */
export const jsonArray = (items: readonly string[]): string => `[${items.join(',')}]`;

/** What {@link jsonArray} adds to its items, for {@link splitBatch}: the brackets, a comma between two. */
export const JSON_ARRAY_FRAMING = { overheadBytes: 2, separatorBytes: 1 } as const;

export interface SplitLimits {
  /** Most items in one request. */
  maxItems: number;
  /** Most bytes of one request body, before compression. */
  maxBytes: number;
  /** Bytes a body has besides its items, e.g. 2 for a JSON array's brackets. @defaultValue 0 */
  overheadBytes?: number;
  /** Bytes between two items, e.g. 1 for a JSON array's comma. @defaultValue 0 */
  separatorBytes?: number;
}

/**
 * Splits rendered items, in order, into consecutive runs that each fit one request: half-open
 * `[start, end)` index ranges. An item too big for a request on its own still gets a range of
 * its own, so the caller can decide about it (truncate earlier, or fail it alone).
 */
export function splitBatch(sizes: readonly number[], limits: SplitLimits): Array<[number, number]> {
  const overhead = limits.overheadBytes ?? 0;
  const separator = limits.separatorBytes ?? 0;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  let bytes = overhead;
  sizes.forEach((size, i) => {
    const count = i - start;
    const grown = bytes + (count > 0 ? separator : 0) + size;
    if (count > 0 && (count >= limits.maxItems || grown > limits.maxBytes)) {
      ranges.push([start, i]);
      start = i;
      bytes = overhead + size;
    } else {
      bytes = grown;
    }
  });
  if (start < sizes.length) ranges.push([start, sizes.length]);
  return ranges;
}
