/**
 * Truncation by UTF-8 bytes, never splitting a character: limits in vendor docs and in our attempt
 * log are byte limits, and a split multi-byte sequence would decode to U+FFFD.
 */

/** Length of the UTF-8 sequence that `lead` starts (1 for ASCII and for stray bytes). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc0) return 2;
  return 1;
}

/**
 * Largest cut ≤ `maxBytes` that leaves no partial character at the end: a character that starts
 * before the cut but does not end by it is dropped whole.
 */
function safeCut(bytes: Uint8Array, maxBytes: number): number {
  const end = Math.max(0, Math.min(maxBytes, bytes.length));
  // Walk back over continuation bytes (10xxxxxx) to the last character's first byte.
  let lead = end - 1;
  while (lead > 0 && end - lead < 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
  if (lead < 0) return 0;
  return lead + sequenceLength(bytes[lead] ?? 0) <= end ? end : lead;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`. */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short strings need no encoding pass.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return bytes.subarray(0, safeCut(bytes, maxBytes)).toString('utf8');
}

/**
 * Decodes at most `maxBytes` of `bytes` as UTF-8, dropping a character cut at the end, including
 * one already split at the end of `bytes` (a response body capped while reading).
 */
export function decodeUtf8Prefix(bytes: Buffer, maxBytes: number = bytes.length): string {
  const cut = safeCut(bytes, maxBytes);
  return bytes.subarray(0, cut).toString('utf8');
}

/** UTF-8 length of `text` in bytes. */
export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/** What a cut text ends with, unless a caller gives its own marker. */
export const ELLIPSIS = '…';

/**
 * At most `max` UTF-16 code units of `text` — the unit vendors' Java and JavaScript APIs count
 * "characters" in — never ending inside a surrogate pair, so a cut is also within `max` code
 * points. `marker` ends a cut text when it fits.
 */
export function truncateChars(text: string, max: number, marker = ELLIPSIS): string {
  if (text.length <= max) return text;
  const mark = marker.length < max ? marker : '';
  let cut = Math.max(0, max - mark.length);
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + mark;
}
