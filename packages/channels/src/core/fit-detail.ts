import { truncateUtf8, utf8Length } from './truncate.js';

/** Replaces a record's `detail` when the record does not fit: its size and as much of its JSON as fits. */
export interface TruncatedDetail {
  truncated: true;
  original_bytes: number;
  json_prefix: string;
}

export interface Fitted {
  body: string;
  truncated: boolean;
}

/**
 * Serializes `build(detail)` within `maxBytes` bytes: with the record's detail as it is, or, when
 * that is too big, with a {@link TruncatedDetail} keeping as much of the detail's JSON as fits
 * (`detail` is the only unbounded field of a record). Undefined when even an empty prefix does
 * not fit, i.e. the rest of the record alone is over the limit.
 */
export function fitDetail(detail: Record<string, unknown>, maxBytes: number, build: (detail: Record<string, unknown> | TruncatedDetail) => string): Fitted | undefined {
  const full = build(detail);
  if (utf8Length(full) <= maxBytes) return { body: full, truncated: false };

  const detailJson = JSON.stringify(detail);
  const withPrefix = (jsonPrefix: string): string => build({ truncated: true, original_bytes: utf8Length(detailJson), json_prefix: jsonPrefix });
  const base = utf8Length(withPrefix(''));
  if (base > maxBytes) return undefined;
  const budget = maxBytes - base;
  let cut = budget;
  for (let pass = 0; pass < 12 && cut > 0; pass += 1) {
    const prefix = truncateUtf8(detailJson, cut);
    const body = withPrefix(prefix);
    const size = utf8Length(body);
    if (size <= maxBytes) return { body, truncated: true };
    // Escaping (quotes, backslashes, control characters) makes the kept prefix longer than its
    // raw bytes. First guess in proportion, which keeps the most; from the fifth pass cut by the
    // excess, which always fits on the next pass since every raw byte takes at least one.
    const kept = utf8Length(prefix);
    cut = pass < 4 ? Math.floor((kept * budget) / (size - base)) : kept - (size - maxBytes);
  }
  return { body: withPrefix(''), truncated: true };
}
