import { createHash } from 'node:crypto';
import { eventSinkKey } from '../core/dedup-key.js';
import type { EventRecord, Party } from '../core/event-record.js';
import { ELLIPSIS, truncateChars } from '../core/truncate.js';

export type Severity = EventRecord['severity'];

/** A ServiceNow choice value: `"1"` High, `"2"` Medium, `"3"` Low. Always sent as a string. */
export type ChoiceLevel = '1' | '2' | '3';

/**
 * Our severity → incident `urgency` and `impact` (channels.md §1). The instance computes
 * `priority` from the two with its Priority Lookup Rules (admin-configurable), so priority is
 * never sent. With the default rules: critical (1,1) → 1 Critical, high (1,2) → 2 High,
 * medium (2,2) → 3 Moderate, low (3,2) → 4 Low. The documented POST example sends
 * `"urgency":"2","impact":"2"` and gets `"priority":"3"` back (fixtures/create-incident-201.json).
 */
export const SERVICENOW_SEVERITY: Readonly<Record<Severity, { urgency: ChoiceLevel; impact: ChoiceLevel }>> = {
  critical: { urgency: '1', impact: '1' },
  high: { urgency: '1', impact: '2' },
  medium: { urgency: '2', impact: '2' },
  low: { urgency: '3', impact: '2' },
};

/**
 * Field lengths of an out-of-the-box instance: `short_description` 160, `description` 4000,
 * `correlation_id` 100 (channels.md §8, [UNVERIFIED: check sys_dictionary on the target
 * instance]). The platform does not enforce `max_length` (KB0685779 as cited by ServiceNow staff),
 * so a longer value would be stored, not refused: truncating here is what keeps to the limit.
 * Lengths are characters; this counts UTF-16 units, never fewer than the characters.
 */
export const SERVICENOW_SHORT_DESCRIPTION_MAX_LENGTH = 160;
export const SERVICENOW_DESCRIPTION_MAX_LENGTH = 4000;
export const SERVICENOW_CORRELATION_ID_MAX_LENGTH = 100;

/**
 * The Table API refuses a request body over `glide.rest.max_content_length`: 10 MB by default,
 * settable down to 1 MB ("defaulted at 10MB, min is 1MB, max is 25MB", support KB0747638;
 * fixtures/rejected-large-payload.json). Bodies stay far below the smallest setting.
 */
export const SERVICENOW_REQUEST_MAX_BYTES = 1024 * 1024;

/** Most of the description the readable part may take, so the detail JSON always gets room. */
export const SERVICENOW_DESCRIPTION_HEADER_MAX_LENGTH = 2000;

/** Shown as the incident's correlation source (`correlation_display`). */
export const SERVICENOW_CORRELATION_DISPLAY = 'Tocsin';


/**
 * Characters an encoded query treats as nothing but text: no `^` (AND/OR/NQ), no spaces. Event
 * and sink ids are UUIDs, so the key always qualifies; the hash is the fallback for anything else.
 */
const QUERY_SAFE = /^[A-Za-z0-9:._-]+$/;

/**
 * The incident's `correlation_id`: the same for every attempt and re-send of one event to one
 * sink, different for another sink (`tocsin:<sinkId>:<eventId>`, 80 characters for UUIDs). An id
 * that is not plain query text or too long becomes `tocsin:sha256:<hex>` (78 characters).
 */
export function correlationIdFor(sinkId: string, eventId: string): string {
  const key = eventSinkKey(sinkId, eventId);
  if (key.length <= SERVICENOW_CORRELATION_ID_MAX_LENGTH && QUERY_SAFE.test(key)) return key;
  return `tocsin:sha256:${createHash('sha256').update(`${sinkId}\n${eventId}`).digest('hex')}`;
}

/**
 * `[code]…[/code]` is ServiceNow markup: in journal fields it renders as HTML
 * (`glide.ui.security.allow_codetag`). The description is plain text, but workflows copy it into
 * work notes and e-mails; a space after the bracket keeps event text from ever becoming markup.
 */
const neutraliseMarkup = (text: string): string => text.replace(/\[(\/?code)\]/gi, '[ $1]');

/** One line: control and format characters (CR/LF, bidi overrides, zero-width) become spaces. */
const oneLine = (text: string): string => neutraliseMarkup(text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').trim());

/**
 * JSON text with format characters and line separators written as `\uXXXX` escapes (valid only
 * inside strings, where they can only be): JSON.stringify leaves them raw.
 */
const escapeInvisible = (json: string): string => json.replace(/[\p{Cf}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const describeParty = (party: Party | null): string => (party === null ? '—' : `${party.name} (${party.type} ${party.id})`);

export function renderShortDescription(event: EventRecord): string {
  return truncateChars(oneLine(`Tocsin ${event.severity}: ${event.title}`), SERVICENOW_SHORT_DESCRIPTION_MAX_LENGTH);
}

/**
 * The whole event as readable text, then its detail as JSON, within 4000 characters: the detail
 * is cut first, and says by how much.
 */
export function renderDescription(event: EventRecord): string {
  const { urgency, impact } = SERVICENOW_SEVERITY[event.severity];
  const lines = [
    oneLine(event.title),
    '',
    `Severity: ${event.severity} (urgency ${urgency}, impact ${impact})`,
    `Action: ${oneLine(event.action)}`,
    `Category: ${event.category === null ? '—' : oneLine(event.category)}`,
    `Actor: ${oneLine(describeParty(event.actor))}`,
    `Resource: ${oneLine(describeParty(event.resource))}`,
    `Source IP: ${event.source_ip === null ? '—' : oneLine(event.source_ip)}`,
    `Occurred at: ${oneLine(event.occurred_at)}`,
    `Received at: ${oneLine(event.received_at)}`,
    `Event ID: ${oneLine(event.id)}`,
    `Tenant: ${oneLine(event.tenant_id)}`,
  ];
  const header = `${truncateChars(lines.join('\n'), SERVICENOW_DESCRIPTION_HEADER_MAX_LENGTH)}\n\nDetail (JSON):\n`;
  const json = neutraliseMarkup(escapeInvisible(JSON.stringify(event.detail) ?? 'null'));
  const room = SERVICENOW_DESCRIPTION_MAX_LENGTH - header.length;
  if (json.length <= room) return header + json;
  const marker = `${ELLIPSIS}\n[detail truncated: ${json.length} characters of JSON]`;
  return header + truncateChars(json, room, marker);
}

export interface IncidentRenderInput {
  sinkId: string;
  category?: string | undefined;
  assignment_group?: string | undefined;
  caller_id?: string | undefined;
}

/** The create body: name/value pairs, every value a string (actual values, not display values). */
export interface IncidentRecord {
  short_description: string;
  description: string;
  urgency: ChoiceLevel;
  impact: ChoiceLevel;
  correlation_id: string;
  correlation_display: string;
  category?: string;
  assignment_group?: string;
  caller_id?: string;
}

/** Shapes one incident. Pure: the same input gives the same record. One record per request. */
export function renderIncident(event: EventRecord, input: IncidentRenderInput): IncidentRecord {
  const record: IncidentRecord = {
    short_description: renderShortDescription(event),
    description: renderDescription(event),
    ...SERVICENOW_SEVERITY[event.severity],
    correlation_id: correlationIdFor(input.sinkId, event.id),
    correlation_display: SERVICENOW_CORRELATION_DISPLAY,
  };
  if (input.category !== undefined) record.category = input.category;
  if (input.assignment_group !== undefined) record.assignment_group = input.assignment_group;
  if (input.caller_id !== undefined) record.caller_id = input.caller_id;
  return record;
}

/**
 * The lookup before every create: at most one record of the table whose `correlation_id` is
 * ours, only the fields the check needs, without the `count(*)` the Table API runs by default
 * (`sysparm_no_count`, Table API reference). `correlation_id` is returned so the caller can tell
 * a match from an instance that ignored the filter ("if part of a query is invalid, such as an
 * invalid field name, the instance ignores the invalid part", same page).
 */
export function lookupUrl(endpoint: string, correlationId: string): string {
  const query = new URLSearchParams({
    sysparm_query: `correlation_id=${correlationId}`,
    sysparm_fields: 'sys_id,number,correlation_id',
    sysparm_limit: '1',
    sysparm_no_count: 'true',
  });
  return `${endpoint}?${query.toString()}`;
}

/** The create request: the answer carries only what the attempt log needs, not the whole record. */
export function createUrl(endpoint: string): string {
  return `${endpoint}?${new URLSearchParams({ sysparm_fields: 'sys_id,number,priority' }).toString()}`;
}

/** `Authorization: Basic base64(username:password)` (RFC 7617, UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
