/**
 * Making event text safe and short for Teams cards. Event text is attacker-influenced, and Teams
 * processes it as Markdown: Adaptive Cards in TextBlock, Fact.Title and Fact.Value
 * (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format),
 * MessageCards in "all text fields" ("be sure to escape Markdown special characters",
 * https://learn.microsoft.com/outlook/actionable-messages/message-card-reference#text-formatting).
 */
import { ELLIPSIS, truncateUtf8, utf8Length } from '../core/truncate.js';

/** Appended to text that was cut. */

// C0 and C1 controls (CR/LF included): a newline would let text start a Markdown list or heading.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
// Bidirectional embeddings, overrides and isolates (Trojan Source, CVE-2021-42574): they reorder
// what the reader sees, e.g. make a file name look like another.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Event text as one line of plain text: controls become spaces, bidi controls are dropped. Used
 * on its own where Teams shows text without Markdown (a MessageCard's `summary`, the notification
 * text).
 */
export function plainText(text: string): string {
  return text.replace(CONTROLS, ' ').replace(BIDI, '');
}

/**
 * Backslash-escapes the Markdown that Teams renders, so event text shows as typed and cannot
 * become a link, an image, emphasis, a list, a heading or an `<at>` mention tag:
 * - `[` `]` — links `[text](url)` and images `![alt](url)`: a hidden link is the phishing risk;
 * - `<` `>` — autolinks `<https://…>` and tags (`<at>`, which Teams reads as a mention);
 * - `\` `*` `_` `~` `` ` `` — escapes, emphasis, strike-through, code;
 * - a leading `#`, `-`, `+` or `1. ` — headings and lists (text is one line, see {@link plainText},
 *   so only its start can open a block; `>` quotes are escaped everywhere already);
 * - `{{` — Adaptive Cards' `{{DATE(…)}}` / `{{TIME(…)}}` functions.
 * CommonMark shows a backslash-escaped ASCII punctuation character as the character itself.
 * Bare URLs are still linked by Teams; their visible text is the URL itself.
 */
export function escapeMarkdown(text: string): string {
  return plainText(text)
    .replace(/[\\`*_~[\]<>]/g, '\\$&')
    .replace(/^(\s*)([#+-])/, '$1\\$2')
    .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
    .replace(/\{\{/g, '{\\{');
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, ending in {@link ELLIPSIS} when it was cut. */
export function clip(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  return truncateUtf8(text, Math.max(0, maxBytes - utf8Length(ELLIPSIS))) + ELLIPSIS;
}

/** Plain, then clipped, then escaped: the limit applies to what the reader sees. */
export const markdownField = (text: string, maxBytes: number): string => escapeMarkdown(clip(plainText(text), maxBytes));
