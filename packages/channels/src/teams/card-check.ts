/**
 * Test-only checks of what this channel sends, with code someone else wrote (style "Tests"):
 * Adaptive Cards with Microsoft's `adaptivecards` parser, MessageCards with ajv and a schema
 * written from the MessageCard reference (Microsoft publishes none). Used by teams.test.ts and
 * by fixture.ts for the conformance suite's oversized event. Never imported by the channel.
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';

// The package's ESM entry (`lib/`) has extensionless imports that Node cannot load; the UMD
// bundle works offline without a DOM (channels.md §5, [TESTED]).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bundle ships no types
const AC: any = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

/** Card-level elements and actions this channel may use: Adaptive Cards 1.4 without bot actions. */
const FORBIDDEN_ACTIONS = new Set(['Action.Submit', 'Action.Execute']);

interface CardJson {
  type?: unknown;
  version?: unknown;
  body?: Array<{ type?: unknown; facts?: unknown[] }>;
  actions?: unknown[];
}

/**
 * Every problem the `adaptivecards` parser reports for `content` parsed at target version 1.4
 * (unknown element types, invalid enum values: parse events; missing required properties:
 * validation events), plus what the library does not check: the declared version, bot-only
 * actions, and elements or facts the parser dropped on a round trip.
 */
export function adaptiveCardProblems(content: CardJson): string[] {
  const problems: string[] = [];
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_4;
  card.parse(content, context);
  for (let i = 0; i < context.eventCount; i += 1) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);

  if (content.type !== 'AdaptiveCard') problems.push(`type is ${String(content.type)}`);
  if (content.version !== '1.4') problems.push(`version is ${String(content.version)}, not 1.4`);
  for (const action of (content.actions ?? []) as Array<{ type?: unknown }>) if (FORBIDDEN_ACTIONS.has(String(action.type))) problems.push(`${String(action.type)} needs a bot`);

  const roundTrip = card.toJSON(context) as CardJson;
  const sent = content.body ?? [];
  const kept = roundTrip.body ?? [];
  if (kept.length !== sent.length) problems.push(`the parser kept ${kept.length} of ${sent.length} elements`);
  sent.forEach((element, i) => {
    if (element.type === 'FactSet' && kept[i]?.facts?.length !== element.facts?.length) problems.push(`FactSet #${i}: the parser kept ${kept[i]?.facts?.length ?? 0} of ${element.facts?.length ?? 0} facts`);
  });
  return problems;
}

/** The Workflows envelope's own rules (channels.md §5; connectors-using.md checklist). */
export function envelopeProblems(message: unknown): string[] {
  const m = message as { type?: unknown; attachments?: Array<{ contentType?: unknown; contentUrl?: unknown; content?: CardJson }> };
  const problems: string[] = [];
  if (m.type !== 'message') problems.push('type must be "message"');
  if (!Array.isArray(m.attachments) || m.attachments.length !== 1) return [...problems, 'exactly one attachment expected'];
  const [attachment] = m.attachments;
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') problems.push('contentType must be the Adaptive Card type');
  if (attachment?.contentUrl !== null) problems.push('contentUrl must be null');
  return [...problems, ...adaptiveCardProblems(attachment?.content ?? {})];
}

/**
 * MessageCard, from https://learn.microsoft.com/outlook/actionable-messages/message-card-reference
 * ("Card fields", "Section fields", facts as name/value pairs). Only the fields this channel may
 * send are allowed, so a typo fails.
 */
export const MESSAGE_CARD_SCHEMA = {
  type: 'object',
  required: ['@type', '@context', 'summary'],
  additionalProperties: false,
  properties: {
    '@type': { const: 'MessageCard' },
    '@context': { enum: ['http://schema.org/extensions', 'https://schema.org/extensions'] },
    summary: { type: 'string', minLength: 1 },
    title: { type: 'string' },
    text: { type: 'string' },
    themeColor: { type: 'string', pattern: '^[0-9A-Fa-f]{6}$' },
    sections: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          title: { type: 'string' },
          activityTitle: { type: 'string' },
          activitySubtitle: { type: 'string' },
          activityText: { type: 'string' },
          text: { type: 'string' },
          markdown: { type: 'boolean' },
          facts: {
            type: 'array',
            items: { type: 'object', required: ['name', 'value'], additionalProperties: false, properties: { name: { type: 'string' }, value: { type: 'string' } } },
          },
        },
      },
    },
  },
} as const;

const validateMessageCard = new Ajv({ allErrors: true, strict: true }).compile(MESSAGE_CARD_SCHEMA);

export function messageCardProblems(card: unknown): string[] {
  if (validateMessageCard(card)) return [];
  return (validateMessageCard.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);
}
