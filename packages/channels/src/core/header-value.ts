const SAFE = /^[\x21-\x24\x26-\x7e]*$/;

/**
 * Makes producer-supplied text safe as an HTTP header value: every byte outside visible ASCII
 * (CR and LF above all: header injection, reliability notes pitfall 13) and `%` itself is
 * percent-encoded, so a receiver gets the original back with `decodeURIComponent`. Text that is
 * already visible ASCII without `%` (every catalog action) is returned unchanged.
 */
export function toHeaderValue(text: string): string {
  if (SAFE.test(text)) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x21 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
