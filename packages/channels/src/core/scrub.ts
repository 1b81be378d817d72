import { REDACTED_MARKER } from './secret.js';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces every form of the given secrets a vendor's answer could echo — as is,
 * JSON-escaped, URL-encoded — with the redaction marker, for text that goes into an outcome or
 * the attempt log. `ignoreCase` for keys a vendor may echo in another letter case.
 */
export function secretScrubber(secrets: readonly string[], options: { ignoreCase?: boolean } = {}): (text: string) => string {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]))];
  if (forms.length === 0) return (text) => text;
  // Longest first: a form that contains another is replaced whole.
  const pattern = new RegExp(forms.sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), options.ignoreCase ? 'gi' : 'g');
  return (text) => text.replace(pattern, REDACTED_MARKER);
}
