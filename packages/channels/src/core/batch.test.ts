import { gunzipSync } from 'node:zlib';
import { gzip, JSON_ARRAY_FRAMING, jsonArray, splitBatch } from './batch.js';

describe('splitBatch', () => {
  it('keeps everything in one range when it fits', () => {
    expect(splitBatch([10, 10, 10], { maxItems: 5, maxBytes: 100 })).toEqual([[0, 3]]);
  });

  it('starts a new range at the item limit', () => {
    expect(splitBatch([1, 1, 1, 1, 1], { maxItems: 2, maxBytes: 100 })).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
  });

  it('counts overhead and separators against the byte limit', () => {
    // [a,b] = 2 + 4 + 1 + 4 = 11 bytes: fits 11, not 10.
    expect(splitBatch([4, 4], { maxItems: 10, maxBytes: 11, overheadBytes: 2, separatorBytes: 1 })).toEqual([[0, 2]]);
    expect(splitBatch([4, 4], { maxItems: 10, maxBytes: 10, overheadBytes: 2, separatorBytes: 1 })).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('gives an item over the limit a range of its own', () => {
    expect(splitBatch([5, 50, 5], { maxItems: 10, maxBytes: 20 })).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('returns no range for no items', () => {
    expect(splitBatch([], { maxItems: 10, maxBytes: 20 })).toEqual([]);
  });

  it('never exceeds either limit for random sizes', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 1000;
    const sizes = Array.from({ length: 2_000 }, () => 1 + next());
    const ranges = splitBatch(sizes, { maxItems: 100, maxBytes: 20_000, overheadBytes: 2, separatorBytes: 1 });
    expect(ranges.flatMap(([s, e]) => sizes.slice(s, e))).toEqual(sizes);
    for (const [s, e] of ranges) {
      const part = sizes.slice(s, e);
      expect(part.length).toBeLessThanOrEqual(100);
      expect(2 + part.reduce((a, b) => a + b, 0) + part.length - 1).toBeLessThanOrEqual(20_000);
    }
  });
});

describe('gzip', () => {
  it('round-trips through zlib', async () => {
    const body = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ i, text: 'zoë' })));
    expect(gunzipSync(await gzip(body)).toString('utf8')).toBe(body);
  });
});

describe('jsonArray', () => {
  it('joins rendered items into one array whose size JSON_ARRAY_FRAMING predicts', () => {
    const items = ['{"a":1}', '{"b":"zoë"}', '[]'];
    const body = jsonArray(items);
    expect(JSON.parse(body)).toEqual([{ a: 1 }, { b: 'zoë' }, []]);
    const predicted = JSON_ARRAY_FRAMING.overheadBytes + items.reduce((n, i) => n + Buffer.byteLength(i), 0) + JSON_ARRAY_FRAMING.separatorBytes * (items.length - 1);
    expect(Buffer.byteLength(body)).toBe(predicted);
    expect(jsonArray(['{"one":1}'])).toBe('[{"one":1}]');
  });
});
