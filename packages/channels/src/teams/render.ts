import type { EventRecord, Party } from '../core/event-record.js';
import { utf8Length } from '../core/truncate.js';
import type { TeamsCardFormat } from './config.js';
import { severityStyle } from './severity.js';
import { clip, escapeMarkdown, markdownField, plainText } from './text.js';

/**
 * Largest request body: "The message size limit is 28 KB. When the size exceeds 28 KB, you receive
 * an error." (msteams-docs add-incoming-webhook.md,
 * https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * Workflows' Teams actions fail larger cards with "request entity too large"
 * (https://learn.microsoft.com/connectors/teams/). Measured on the whole JSON body in UTF-8.
 */
export const TEAMS_MESSAGE_MAX_BYTES = 28 * 1024;

/**
 * Power Automate's "Post card in a chat or channel" renders Adaptive Cards up to 1.4 only
 * (microsoft/AdaptiveCards#8965, channels.md §5), so the card declares 1.4 and uses no later
 * element or property.
 */
export const ADAPTIVE_CARD_VERSION = '1.4';
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** The MessageCard `@context` (connectors-using.md example; message-card-reference). */
export const MESSAGE_CARD_CONTEXT = 'http://schema.org/extensions';

/**
 * Per-field caps, in UTF-8 bytes before escaping. No Teams limit exists per field; these keep the
 * fixed part of a card (title and the event's own facts) under a third of
 * {@link TEAMS_MESSAGE_MAX_BYTES} whatever the event holds, so the rest is the detail's.
 */
export const TITLE_MAX_BYTES = 512;
export const FIELD_MAX_BYTES = 256;
/** MessageCard `summary`: notification text, kept short. */
export const SUMMARY_MAX_BYTES = 256;
export const DETAIL_KEY_MAX_BYTES = 128;
/** Detail values are cut to the first of these that lets every shown key fit, then keys are dropped. */
export const DETAIL_VALUE_CAPS_BYTES: readonly number[] = [1024, 256, 64];
/** At most this many detail keys become facts; the card says how many were left out. */
export const DETAIL_MAX_FACTS = 40;

export interface Fact {
  /** Markdown-escaped. */
  title: string;
  /** Markdown-escaped. */
  value: string;
}

/** The card-independent content of one event: escaped, capped, the detail fitted to the size limit. */
export interface CardContent {
  title: string;
  severityLabel: string;
  facts: Fact[];
  detailFacts: Fact[];
  /** Detail keys not shown: beyond {@link DETAIL_MAX_FACTS} or over the size limit. */
  omittedDetailKeys: number;
}

export interface RenderedTeams {
  format: TeamsCardFormat;
  /** The exact bytes sent, at most {@link TEAMS_MESSAGE_MAX_BYTES}. */
  body: string;
  headers: Record<string, string>;
}

function partyText(party: Party | null): string | null {
  if (party === null) return null;
  const label = party.name ?? party.id;
  if (label === null) return party.type;
  const extra = [party.type, party.name === null ? null : party.id].filter((part): part is string => part !== null && part !== '');
  return extra.length === 0 ? label : `${label} (${extra.join(', ')})`;
}

function eventFacts(event: EventRecord): Fact[] {
  const rows: Array<[string, string | null]> = [
    ['Category', event.category],
    ['Action', event.action],
    ['Actor', partyText(event.actor)],
    ['Resource', partyText(event.resource)],
    ['Source IP', event.source_ip],
    ['Occurred at', event.occurred_at],
    ['Event ID', event.id],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null).map(([title, value]) => ({ title, value: markdownField(value, FIELD_MAX_BYTES) }));
}

/** A detail value as text: strings as they are, anything else as compact JSON. */
function detailText(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

function detailFact(key: string, value: string, capBytes: number): Fact {
  return { title: markdownField(key === '' ? '(empty key)' : key, DETAIL_KEY_MAX_BYTES), value: markdownField(value, capBytes) };
}

/** Said when detail keys were left out; the event id on the card finds the full record. */
export const omittedNote = (count: number): string => `${count} more detail ${count === 1 ? 'key' : 'keys'} not shown; the full event is in the audit log (Event ID above).`;

/**
 * Fits the detail into the size limit: the most keys (in the producer's order) that fit, with
 * values cut to the largest cap that shows that many. `measure` is the byte length of the whole
 * body for a set of detail facts.
 */
function fitDetail(detail: Record<string, unknown>, measure: (facts: Fact[], omitted: number) => number): { facts: Fact[]; omitted: number } {
  // Typed as an object; a stored record from before validation might not be one.
  const keys = typeof detail === 'object' && detail !== null ? Object.keys(detail) : [];
  // Stringify only what can be shown: a huge detail costs one pass over its first keys.
  const texts = keys.slice(0, DETAIL_MAX_FACTS).map((key) => [key, clip(detailText(detail[key]), DETAIL_VALUE_CAPS_BYTES[0]!)] as const);
  let best: { facts: Fact[]; omitted: number } = { facts: [], omitted: keys.length };
  for (const cap of DETAIL_VALUE_CAPS_BYTES) {
    const facts = texts.map(([key, text]) => detailFact(key, text, cap));
    for (let n = facts.length; n > best.facts.length; n -= 1) {
      const shown = facts.slice(0, n);
      if (measure(shown, keys.length - n) <= TEAMS_MESSAGE_MAX_BYTES) {
        best = { facts: shown, omitted: keys.length - n };
        break;
      }
    }
    if (best.facts.length === texts.length) break;
  }
  return best;
}

function baseContent(event: EventRecord): Omit<CardContent, 'detailFacts' | 'omittedDetailKeys'> {
  return {
    title: markdownField(event.title, TITLE_MAX_BYTES),
    severityLabel: escapeMarkdown(severityStyle(event.severity).label),
    facts: eventFacts(event),
  };
}

// ---------------------------------------------------------------------------------------------
// Adaptive Card (Workflows)

function adaptiveCardBody(event: EventRecord, content: CardContent): unknown[] {
  const style = severityStyle(event.severity);
  const body: unknown[] = [
    { type: 'TextBlock', text: content.title, weight: 'bolder', size: 'medium', wrap: true },
    { type: 'TextBlock', text: `${content.severityLabel} severity`, color: style.color, weight: 'bolder', spacing: 'none', wrap: true },
    { type: 'FactSet', facts: content.facts },
  ];
  if (content.detailFacts.length > 0) {
    body.push({ type: 'TextBlock', text: 'Detail', weight: 'bolder', separator: true, wrap: true });
    body.push({ type: 'FactSet', facts: content.detailFacts });
  }
  if (content.omittedDetailKeys > 0) body.push({ type: 'TextBlock', text: omittedNote(content.omittedDetailKeys), isSubtle: true, size: 'small', wrap: true });
  return body;
}

/**
 * The Workflows envelope around an Adaptive Card 1.4 (channels.md §5: the "Post to a channel when
 * a webhook request is received" template loops over `attachments`; a bare card fails the flow).
 */
export function adaptiveCardMessage(event: EventRecord, content: CardContent) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: { $schema: ADAPTIVE_CARD_SCHEMA, type: 'AdaptiveCard', version: ADAPTIVE_CARD_VERSION, body: adaptiveCardBody(event, content) },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// MessageCard (classic connectors, legacy)

const toMessageCardFact = (fact: Fact) => ({ name: fact.title, value: fact.value });

/**
 * The legacy connector card (https://learn.microsoft.com/outlook/actionable-messages/message-card-reference):
 * `summary` is required and shown without Markdown (plain text); every other text is Markdown.
 */
export function messageCard(event: EventRecord, content: CardContent) {
  const section: Record<string, unknown> = {
    activityTitle: `**${content.severityLabel}** severity`,
    facts: [...content.facts, ...content.detailFacts].map(toMessageCardFact),
    markdown: true,
  };
  if (content.omittedDetailKeys > 0) section.text = omittedNote(content.omittedDetailKeys);
  return {
    '@type': 'MessageCard',
    '@context': MESSAGE_CARD_CONTEXT,
    themeColor: severityStyle(event.severity).themeColor,
    summary: clip(plainText(event.title), SUMMARY_MAX_BYTES),
    title: content.title,
    sections: [section],
  };
}

// ---------------------------------------------------------------------------------------------

const BUILDERS = { adaptive_card: adaptiveCardMessage, message_card: messageCard } as const;

/**
 * Shapes one delivery as a Teams card of `format`, within {@link TEAMS_MESSAGE_MAX_BYTES}: an
 * oversized detail is cut (values first, then keys), never rejected. Pure.
 */
export function renderTeams(event: EventRecord, format: TeamsCardFormat): RenderedTeams {
  const build = BUILDERS[format];
  const base = baseContent(event);
  const bodyOf = (detailFacts: Fact[], omitted: number): string => JSON.stringify(build(event, { ...base, detailFacts, omittedDetailKeys: omitted }));
  const { facts, omitted } = fitDetail(event.detail, (shown, left) => utf8Length(bodyOf(shown, left)));
  return { format, body: bodyOf(facts, omitted), headers: { 'Content-Type': 'application/json' } };
}
