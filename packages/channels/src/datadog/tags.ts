import { truncateChars } from '../core/truncate.js';

/**
 * Datadog's tag rules (https://docs.datadoghq.com/getting_started/tagging/#define-tags and
 * https://docs.datadoghq.com/developers/guide/what-best-practices-are-recommended-for-naming-metrics-and-tags/):
 * a tag starts with a letter; it may contain letters (Unicode), digits, underscores, minuses,
 * colons, periods and slashes, other characters being converted to underscores; contiguous
 * underscores are reduced to one and a trailing one is removed; it is at most 200 characters and
 * converted to lowercase. A comma separates tags in `ddtags`, so it can never be part of one.
 */
export const DATADOG_TAG_MAX_CHARS = 200;

const NOT_ALLOWED = /[^\p{L}\p{N}_\-:./]/gu;

/**
 * What Datadog would store for `text`: NFC, lowercase, every other character an underscore, runs
 * of underscores one, no trailing underscore or colon (older docs: "a tag cannot end with a
 * colon"). Applying it twice changes nothing.
 */
export function normalizeTag(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(NOT_ALLOWED, '_').replace(/_+/g, '_').replace(/[_:]+$/, '');
}

/**
 * `key:value` in Datadog's normal form, within 200 characters (never cutting a surrogate pair);
 * undefined when the value normalises to nothing. `key` must already be a normal tag key.
 */
export function datadogTag(key: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const normal = normalizeTag(value);
  if (normal === '') return undefined;
  const tag = normalizeTag(truncateChars(`${key}:${normal}`, DATADOG_TAG_MAX_CHARS, ''));
  return tag.length > key.length + 1 ? tag : undefined;
}
