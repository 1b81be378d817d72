import type { ContextBlock, HeaderBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { EventRecord, Party } from '../core/event-record.js';
import { ELLIPSIS } from '../core/truncate.js';
import { severityStyle } from './severity.js';

/*
 * Block Kit limits, in characters (counted here as UTF-16 code units, which is never fewer than
 * Slack's characters, so a string within our count is within theirs).
 */

/** "You can include up to 50 blocks in each message" — https://docs.slack.dev/reference/block-kit/blocks */
export const MAX_BLOCKS = 50;
/** Header `text`: "Maximum length for the text in this field is 150 characters" — https://docs.slack.dev/reference/block-kit/blocks/header-block */
export const MAX_HEADER_TEXT = 150;
/** Section `text`: "Minimum length … is 1 and maximum length is 3000 characters" — https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const MAX_SECTION_TEXT = 3000;
/** Section `fields`: "Maximum number of items is 10" — https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const MAX_SECTION_FIELDS = 10;
/** Each section field: "Maximum length for the text in each item is 2000 characters" — https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const MAX_FIELD_TEXT = 2000;
/** Context `elements`: "Maximum number of items is 10" — https://docs.slack.dev/reference/block-kit/blocks/context-block */
export const MAX_CONTEXT_ELEMENTS = 10;
/** A text object's `text`: at most 3000 characters — https://docs.slack.dev/reference/block-kit/composition-objects/text-object */
export const MAX_TEXT_OBJECT = 3000;
/**
 * Top-level `text` (the notification fallback when blocks are present): "keep your text to 4,000
 * characters or less"; Slack truncates beyond 40,000 — https://docs.slack.dev/reference/methods/chat.postMessage
 */
export const MAX_FALLBACK_TEXT = 4000;

/**
 * How many detail keys are shown (two sections of ten). Our choice, not Slack's: a chat alert is
 * read by people, and 20 fields of up to 2,000 characters keep the message near the 40,000
 * characters Slack handles in one message. The full record is in the Events API.
 */
export const MAX_DETAIL_FIELDS = 2 * MAX_SECTION_FIELDS;
/** A detail key is shown in bold above its value; longer keys are cut (our choice). */
export const MAX_DETAIL_KEY = 100;


/** What is posted: the notification fallback and the blocks. Both go in both modes. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Slack's mrkdwn escaping (https://docs.slack.dev/messaging/formatting-message-text#escaping):
 * `&`, `<` and `>` become entities, so `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and `<url|label>`
 * from an event are shown as text instead of pinging or linking. A bare `@channel`, `@here` or
 * `@everyone` also gets a WORD JOINER (U+2060) after the `@`: mrkdwn objects are sent with
 * `verbatim: true`, which already stops Slack from parsing them, but the top-level `text` has no
 * such switch.
 */
export function escapeMrkdwn(raw: string): string {
  return raw.replace(/[&<>]/g, (ch) => ENTITIES[ch]!).replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** Joins `pieces` until `max` UTF-16 units would be passed; a cut ends with an ellipsis. */
function fit(pieces: Iterable<string>, max: number): string {
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length > max - ELLIPSIS.length) return out + ELLIPSIS;
    out += piece;
  }
  return out;
}

/**
 * The pieces a cut may fall between: whole characters (never half a surrogate pair) and, when
 * escaped, whole entities. Only the first `max + 1` units of `raw` are looked at, so a 3 MB value
 * costs nothing; one extra over-long piece marks that more followed and forces the cut.
 */
function* pieces(raw: string, max: number, escape: boolean): Generator<string> {
  const head = raw.length > max ? raw.slice(0, max + 1) : raw;
  const text = escape ? escapeMrkdwn(head) : head;
  for (const match of text.matchAll(/&(?:amp|lt|gt);|[\s\S]/gu)) yield match[0];
  if (head.length < raw.length) yield ELLIPSIS.repeat(max + 1);
}

/** `raw` escaped for mrkdwn and cut to `max` characters; a cut never splits an entity or a character. */
export function fitMrkdwn(raw: string, max: number): string {
  return fit(pieces(raw, max, true), max);
}

/** `raw` as plain text cut to `max` characters (plain_text is never parsed for mentions). */
export function fitPlain(raw: string, max: number): string {
  return fit(pieces(raw, max, false), max);
}

const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text, verbatim: true });

/** `*Label*` over the escaped value, the whole field within {@link MAX_FIELD_TEXT}. */
function field(label: string, value: string): MrkdwnElement {
  const head = `*${fitMrkdwn(label, MAX_DETAIL_KEY)}*\n`;
  return mrkdwn(head + fitMrkdwn(value, MAX_FIELD_TEXT - head.length));
}

function partyText(party: Party): string {
  const name = party.name ?? party.id ?? 'unknown';
  const extra = [party.type, party.name !== null && party.id !== null && party.id !== party.name ? party.id : null].filter((s): s is string => s !== null && s !== '');
  return extra.length > 0 ? `${name} (${extra.join(' · ')})` : name;
}

function detailValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // a BigInt or a cycle cannot come from JSON, but never throw in render
  }
}

/** The notification fallback: `[CRITICAL] Credential exposure detected — db-password`. */
export function fallbackText(event: EventRecord): string {
  const resource = event.resource?.name ?? event.resource?.id ?? null;
  const raw = `[${event.severity.toUpperCase()}] ${event.title}${resource ? ` — ${resource}` : ''}`;
  return fitMrkdwn(raw.replace(/[\r\n]+/g, ' '), MAX_FALLBACK_TEXT);
}

/**
 * Shapes one event as a Block Kit message. Pure. Every event string is escaped for mrkdwn (or sent
 * as plain_text), and every Block Kit limit holds whatever the event's size: long strings are cut
 * with an ellipsis, detail keys past {@link MAX_DETAIL_FIELDS} are counted in the context line.
 */
export function renderSlackMessage(event: EventRecord): SlackMessage {
  const style = severityStyle(event.severity);

  const header: HeaderBlock = {
    type: 'header',
    // A header is one line of plain text; `emoji: false` shows `:x:` from an event as typed.
    text: { type: 'plain_text', text: fitPlain(event.title.replace(/\s+/g, ' ').trim() || event.action, MAX_HEADER_TEXT), emoji: false },
  };

  const category = event.category === null ? 'none' : fitMrkdwn(event.category, 200);
  const summary: SectionBlock = {
    type: 'section',
    // At most ~800 characters by construction: far under MAX_SECTION_TEXT.
    text: mrkdwn(`${style.emoji} *${style.label}* severity  ·  Category: ${category}  ·  Action: \`${fitMrkdwn(event.action, 500)}\``),
  };

  const facts: MrkdwnElement[] = [];
  if (event.actor !== null) facts.push(field('Actor', partyText(event.actor)));
  if (event.resource !== null) facts.push(field('Resource', partyText(event.resource)));
  if (event.source_ip !== null) facts.push(field('Source IP', event.source_ip));
  facts.push(field('Time', event.occurred_at));
  const factsBlock: SectionBlock = { type: 'section', fields: facts };

  const entries = Object.entries(event.detail ?? {});
  const shown = entries.slice(0, MAX_DETAIL_FIELDS).map(([key, value]) => field(key, detailValue(value)));
  const omitted = entries.length - shown.length;
  const detailBlocks: SectionBlock[] = [];
  for (let i = 0; i < shown.length; i += MAX_SECTION_FIELDS) detailBlocks.push({ type: 'section', fields: shown.slice(i, i + MAX_SECTION_FIELDS) });

  const contextElements: MrkdwnElement[] = [mrkdwn(fitMrkdwn(`Tocsin · event ${event.id} · received ${event.received_at}`, MAX_TEXT_OBJECT))];
  if (omitted > 0) contextElements.push(mrkdwn(`${ELLIPSIS} ${omitted} more detail ${omitted === 1 ? 'key' : 'keys'} omitted; the full record is in the Events API`));
  const context: ContextBlock = { type: 'context', elements: contextElements };

  const blocks: KnownBlock[] = [header, summary, factsBlock, ...detailBlocks, context];
  return { text: fallbackText(event), blocks };
}
