import { eventSinkKey } from '../core/dedup-key.js';
import type { EventRecord, Party } from '../core/event-record.js';
import { ELLIPSIS, truncateChars } from '../core/truncate.js';
import { OPSGENIE_TAG_MAX_LENGTH, OPSGENIE_TAGS_MAX, type OpsgenieResponder } from './config.js';

/*
 * Field limits of the create-alert body. Opsgenie counts characters (its API is Java: UTF-16
 * code units); every cut below is in code units and never splits a surrogate pair, which also
 * keeps JSON Schema's code-point `maxLength` satisfied.
 */

/** "This field is limited to at most 130 characters" (https://docs.opsgenie.com/docs/alerts-and-alert-fields). */
export const OPSGENIE_MESSAGE_MAX_LENGTH = 130;
/** "The user-defined identifier for the alert which is limited to at most 512 characters" (alerts-and-alert-fields). */
export const OPSGENIE_ALIAS_MAX_LENGTH = 512;
/** "limited to at most 15000 characters" (https://support.atlassian.com/opsgenie/docs/update-an-alerts-description). */
export const OPSGENIE_DESCRIPTION_MAX_LENGTH = 15_000;
/** "such as name of the server or application which is limited to at most 512 characters" (alerts-and-alert-fields). */
export const OPSGENIE_ENTITY_MAX_LENGTH = 512;
/**
 * `source`: 100 characters. Third-party only (schemas.apis.io's CreateAlertRequest; API v1 said
 * 512, https://docs.opsgenie.com/docs/alert-deprecated); we send the 6 characters `Tocsin`.
 */
export const OPSGENIE_SOURCE_MAX_LENGTH = 100;
/**
 * `details`: "8 000 characters total" — third-party only (an Atlassian Marketplace vendor's copy of
 * the Alert API table, metainf.atlassian.net; channels.md §13 [UNVERIFIED]). Counted here as the
 * sum of every key's and value's length.
 */
export const OPSGENIE_DETAILS_MAX_CHARS = 8_000;

/** Our own caps inside the details budget, so no single field can starve the rest. */
export const DETAIL_KEY_MAX_LENGTH = 128;
export const DETAIL_FIXED_VALUE_MAX_LENGTH = 256;
/** Nesting below this depth is kept as one JSON string rather than flattened further. */
export const DETAIL_FLATTEN_MAX_DEPTH = 8;

export const OPSGENIE_SOURCE = 'Tocsin';
const DESCRIPTION_TRUNCATED = `\n${ELLIPSIS} [truncated by Tocsin]`;
const DETAILS_TRUNCATED_KEY = 'detail_truncated';

export type OpsgeniePriority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

/**
 * Our severity → Opsgenie priority. P5 ("informational") is unused: `low` is still an audit
 * finding someone may act on, and P4 keeps it above Opsgenie's noise floor.
 */
export const OPSGENIE_PRIORITY: Readonly<Record<EventRecord['severity'], OpsgeniePriority>> = {
  critical: 'P1',
  high: 'P2',
  medium: 'P3',
  low: 'P4',
};

/** The create-alert body (opsgenie-oas `definitions/alert.yaml` CreateAlertPayload), the fields we send. */
export interface OpsgenieAlert {
  message: string;
  alias: string;
  description: string;
  tags: string[];
  details: Record<string, string>;
  entity?: string;
  source: string;
  priority: OpsgeniePriority;
  responders?: OpsgenieResponder[];
}

export interface OpsgenieRenderInput {
  /** The sink: part of the alias, so two sinks of one tenant raise two alerts. */
  sinkId: string;
  responders?: readonly OpsgenieResponder[] | undefined;
  tags?: readonly string[] | undefined;
}

/**
 * Event text is attacker-influenced, and Opsgenie renders HTML in the message ("HTML formatting
 * for the message values is also supported", alerts-and-alert-fields). Angle brackets become
 * look-alike single guillemets instead of entities, which would show up raw in SMS, push and
 * voice notifications. Control characters become spaces (newlines survive in multi-line text).
 */
function plainText(text: string, multiline = false): string {
  const brackets = text.replace(/</g, '‹').replace(/>/g, '›');
  if (!multiline) return brackets.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ');
  return brackets.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n]|[\p{Cf}\u2028\u2029]/gu, ' ');
}

function describeParty(party: Party | null): string {
  if (party === null) return '—';
  const qualifiers = [party.type, party.id].filter((part): part is string => part !== null && part !== '');
  const name = party.name ?? party.id ?? '—';
  return qualifiers.length > 0 ? `${name} (${qualifiers.join(' ')})` : name;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    return '(detail could not be serialised)';
  }
}

/** `[P1] <title>`, one line, ≤ 130 characters. */
function renderMessage(event: EventRecord, priority: OpsgeniePriority): string {
  const title = event.title.trim() === '' ? event.action : event.title;
  return truncateChars(plainText(`[${priority}] ${title}`).trim(), OPSGENIE_MESSAGE_MAX_LENGTH, ELLIPSIS);
}

/** A readable text of the whole event, ≤ 15,000 characters; the detail goes last as JSON. */
function renderDescription(event: EventRecord, priority: OpsgeniePriority): string {
  const lines = [
    event.title,
    '',
    `Severity: ${event.severity} (${priority})`,
    `Action: ${event.action}`,
    `Category: ${event.category ?? '—'}`,
    `Actor: ${describeParty(event.actor)}`,
    `Resource: ${describeParty(event.resource)}`,
    `Source IP: ${event.source_ip ?? '—'}`,
    `Occurred at: ${event.occurred_at}`,
    `Received at: ${event.received_at}`,
    `Event ID: ${event.id}`,
    `Tenant ID: ${event.tenant_id}`,
    '',
    'Detail:',
  ];
  // A huge detail costs one stringify pass; the cut below keeps the first 15,000 characters.
  const text = `${lines.map((line) => plainText(line)).join('\n')}\n${plainText(safeJson(event.detail), true)}`;
  return truncateChars(text, OPSGENIE_DESCRIPTION_MAX_LENGTH, DESCRIPTION_TRUNCATED);
}

/** One tag: no whitespace, commas or control characters (they split tags), ≤ 50 characters. */
function tagOf(text: string): string {
  return truncateChars(plainText(text).replace(/[\s,]+/g, '_'), OPSGENIE_TAG_MAX_LENGTH, '');
}

/** Tocsin's tags first, then the configured ones; deduplicated, ≤ 20 of ≤ 50 characters. */
function renderTags(event: EventRecord, configured: readonly string[]): string[] {
  const generated = ['tocsin', `severity:${event.severity}`, event.category === null ? null : `category:${event.category}`, event.action];
  const tags: string[] = [];
  for (const raw of [...generated, ...configured]) {
    if (raw === null) continue;
    const tag = tagOf(raw);
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  return tags.slice(0, OPSGENIE_TAGS_MAX);
}

/** The detail as `detail.<path>` → string pairs, depth-first, lazily (a huge detail is not walked past the budget). */
function* flatten(value: unknown, path: string, depth: number): Generator<[string, string]> {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return;
  if (value === null || typeof value !== 'object') {
    yield [path, typeof value === 'string' ? value : String(value)];
    return;
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  if (entries.length === 0 || depth >= DETAIL_FLATTEN_MAX_DEPTH) {
    yield [path, JSON.stringify(value) ?? ''];
    return;
  }
  for (const [key, item] of entries) yield* flatten(item, `${path}.${key}`, depth + 1);
}

/**
 * `details`: every record field and every detail leaf as strings, ≤ 8,000 characters of keys and
 * values in total. The record's own fields go first (each value ≤ 256), the detail fills the rest
 * in its order, and `detail_truncated: "true"` says when something was cut or left out.
 */
function renderDetails(event: EventRecord): Record<string, string> {
  const details = new Map<string, string>();
  const budget = OPSGENIE_DETAILS_MAX_CHARS - DETAILS_TRUNCATED_KEY.length - 'true'.length;
  let used = 0;
  let truncated = false;

  /** Adds one pair within the budget; false once the budget is spent. */
  const add = (rawKey: string, value: string, cap: number): boolean => {
    const key = truncateChars(rawKey.replace(/[\p{Cc}\p{Cf}]/gu, '_'), DETAIL_KEY_MAX_LENGTH, '');
    if (key !== rawKey) truncated = true;
    if (details.has(key)) return true;
    const room = budget - used - key.length;
    if (room <= 0) {
      truncated = true;
      return false;
    }
    const kept = truncateChars(value, Math.min(cap, room), ELLIPSIS);
    if (kept !== value) truncated = true;
    details.set(key, kept);
    used += key.length + kept.length;
    return true;
  };

  const fixed: Array<[string, string | null]> = [
    ['event_id', event.id],
    ['tenant_id', event.tenant_id],
    ['action', event.action],
    ['category', event.category],
    ['severity', event.severity],
    ['actor_id', event.actor?.id ?? null],
    ['actor_type', event.actor?.type ?? null],
    ['actor_name', event.actor?.name ?? null],
    ['resource_id', event.resource?.id ?? null],
    ['resource_type', event.resource?.type ?? null],
    ['resource_name', event.resource?.name ?? null],
    ['source_ip', event.source_ip],
    ['occurred_at', event.occurred_at],
    ['received_at', event.received_at],
  ];
  for (const [key, value] of fixed) if (value !== null) add(key, value, DETAIL_FIXED_VALUE_MAX_LENGTH);

  for (const [key, value] of flatten(event.detail, 'detail', 0)) if (!add(key, value, Number.POSITIVE_INFINITY)) break;

  if (truncated) details.set(DETAILS_TRUNCATED_KEY, 'true');
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(details);
}

/**
 * Shapes one alert (https://docs.opsgenie.com/docs/alert-api#create-alert). Pure: the same event
 * and sink give the same body on every attempt, so the alias de-duplicates a retry.
 */
export function renderOpsgenieAlert(event: EventRecord, input: OpsgenieRenderInput): OpsgenieAlert {
  const priority = OPSGENIE_PRIORITY[event.severity];
  const entitySource = event.resource?.name ?? event.resource?.id ?? null;
  const alert: OpsgenieAlert = {
    message: renderMessage(event, priority),
    alias: truncateChars(eventSinkKey(input.sinkId, event.id), OPSGENIE_ALIAS_MAX_LENGTH, ''),
    description: renderDescription(event, priority),
    tags: renderTags(event, input.tags ?? []),
    details: renderDetails(event),
    source: OPSGENIE_SOURCE,
    priority,
  };
  if (entitySource !== null && entitySource.trim() !== '') alert.entity = truncateChars(plainText(entitySource), OPSGENIE_ENTITY_MAX_LENGTH, ELLIPSIS);
  if (input.responders !== undefined && input.responders.length > 0) alert.responders = input.responders.map((responder) => ({ ...responder }));
  return alert;
}
