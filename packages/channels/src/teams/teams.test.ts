import { readFileSync } from 'node:fs';
import type { EventRecord } from '../core/event-record.js';
import { createHttpClient } from '../core/http.js';
import type { Outcome } from '../core/outcome.js';
import { sampleEvent } from '../testing/sample-event.js';
import { sendEvent } from '../testing/send.js';
import { startReceiver, type Receiver, type ScriptedResponse } from '../testing/test-receiver.js';
import { adaptiveCardProblems, envelopeProblems, messageCardProblems } from './card-check.js';
import { cardFormatFor, teamsConfigSchema } from './config.js';
import { fixture } from './fixture.js';
import { teams } from './index.js';
import { DETAIL_MAX_FACTS, renderTeams, TEAMS_MESSAGE_MAX_BYTES } from './render.js';
import { SEVERITY_STYLES } from './severity.js';
import { escapeMarkdown, plainText } from './text.js';

const http = createHttpClient({ egressAllow: ['127.0.0.0/8'], timeoutMs: 5_000 });
const body = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

// Example URLs of each host (shapes from channels.md §4–5; ids are made up).
const CLASSIC = 'https://contoso.webhook.office.com/webhookb2/1b2c3d4e-0000-4000-8000-000000000001@72f988bf-0000-4000-8000-000000000002/IncomingWebhook/0a1b2c3d4e5f/3c4d5e6f-0000-4000-8000-000000000003/V2abcDEF';
const LEGACY_OUTLOOK = 'https://outlook.office.com/webhook/1b2c3d4e-0000-4000-8000-000000000001@72f988bf-0000-4000-8000-000000000002/IncomingWebhook/0a1b2c3d4e5f/3c4d5e6f';
const WORKFLOWS = 'https://default72f988bf00004000800000000002.02.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=abcDEF123';
const LOGIC_APPS = 'https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=abcDEF123';

type Card = { type: string; version: string; body: Array<{ type: string; text?: string; color?: string; weight?: string; size?: string; wrap?: boolean; isSubtle?: boolean; facts?: Array<{ title: string; value: string }> }>; actions?: unknown[] };
type Envelope = { type: string; attachments: Array<{ contentType: string; contentUrl: null; content: Card }> };
type MessageCard = { '@type': string; themeColor: string; summary: string; title: string; sections: Array<{ activityTitle: string; text?: string; markdown: boolean; facts: Array<{ name: string; value: string }> }> };

const adaptive = (event: EventRecord): { raw: string; card: Card; envelope: Envelope } => {
  const { body: raw } = renderTeams(event, 'adaptive_card');
  const envelope = JSON.parse(raw) as Envelope;
  return { raw, envelope, card: envelope.attachments[0]!.content };
};
const messageCard = (event: EventRecord): { raw: string; card: MessageCard } => {
  const { body: raw } = renderTeams(event, 'message_card');
  return { raw, card: JSON.parse(raw) as MessageCard };
};
const factSets = (card: Card) => card.body.filter((e) => e.type === 'FactSet').map((e) => e.facts!);
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** CommonMark's reading of a backslash escape: `\` before ASCII punctuation shows the character. */
const unescapeCommonMark = (text: string): string => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');

/** Markdown characters that appear without a backslash in front (skipping escaped pairs). */
function unescaped(text: string, specials = '[]<>*_~`'): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (specials.includes(text[i]!)) found.push(text[i]!);
  }
  return found;
}

/** A detail of `keys` keys of `valueBytes` each: far over the limit in both directions. */
const bigDetail = (keys: number, value: string): Record<string, unknown> => Object.fromEntries(Array.from({ length: keys }, (_, i) => [`key_${i}`, value]));

describe('cardFormatFor', () => {
  test.each([
    ['a classic connector URL (*.webhook.office.com/webhookb2/)', CLASSIC, 'message_card'],
    ['a legacy outlook.office.com/webhook/ URL', LEGACY_OUTLOOK, 'message_card'],
    ['an upper-case classic host', CLASSIC.replace('contoso.webhook.office.com', 'Contoso.WEBHOOK.Office.com'), 'message_card'],
    ['a Workflows URL (*.environment.api.powerplatform.com)', WORKFLOWS, 'adaptive_card'],
    ['an older Workflows URL (*.logic.azure.com)', LOGIC_APPS, 'adaptive_card'],
    ['a webhook.office.com host off the /webhookb2/ path', 'https://contoso.webhook.office.com/other/path', 'adaptive_card'],
    ['a look-alike host', 'https://contoso.webhook.office.com.evil.example/webhookb2/x', 'adaptive_card'],
    ['outlook.office.com off the /webhook/ path', 'https://outlook.office.com/mail/', 'adaptive_card'],
    ['a proxy or test receiver', 'http://127.0.0.1:8080/powerautomate/automations/direct/workflows/abc', 'adaptive_card'],
    ['something that is not a URL', 'not a url', 'adaptive_card'],
  ] as const)('%s → %s', (_name, url, expected) => {
    expect(cardFormatFor(url)).toBe(expected);
  });

  test('an explicit format wins over the URL, both ways', () => {
    expect(cardFormatFor(CLASSIC, 'adaptive_card')).toBe('adaptive_card');
    expect(cardFormatFor(WORKFLOWS, 'message_card')).toBe('message_card');
  });
});

describe('config', () => {
  test.each([CLASSIC, LEGACY_OUTLOOK, WORKFLOWS, LOGIC_APPS])('accepts %s, with or without a format', (url) => {
    expect(teamsConfigSchema.safeParse({ webhook_url: url }).success).toBe(true);
    expect(teamsConfigSchema.safeParse({ webhook_url: url, format: 'message_card' }).success).toBe(true);
  });

  test('the URL is the secret; it is the one URL the egress guard checks; the pace is 4/s', () => {
    expect(teams.secretFields).toEqual(['webhook_url']);
    expect(teams.urls({ webhook_url: WORKFLOWS })).toEqual([WORKFLOWS]);
    expect(teams.request?.ratePerSecond).toBe(4);
    expect(fixture.secretValues({ webhook_url: WORKFLOWS })).toEqual([WORKFLOWS, 'abcDEF123']);
  });
});

describe('escapeMarkdown', () => {
  test.each([
    ['[Click here](https://evil.example)', '\\[Click here\\](https://evil.example)'],
    ['![x](https://evil.example/p.png)', '!\\[x\\](https://evil.example/p.png)'],
    ['<at>Everyone</at>', '\\<at\\>Everyone\\</at\\>'],
    ['<https://evil.example>', '\\<https://evil.example\\>'],
    ['**bold** _it_ ~~s~~ `c`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\`'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['1. item', '1\\. item'],
    ['a\\b', 'a\\\\b'],
    ['{{DATE(2026-11-22T10:00:00Z, SHORT)}}', '{\\{DATE(2026-11-22T10:00:00Z, SHORT)}}'],
    ['line1\r\n- line2', 'line1 - line2'],
    ['1.5', '1.5'],
    ['2) item', '2\\) item'],
    ['file\u202Egpj.exe', 'filegpj.exe'],
    ['198.51.100.23 ticket #12 a-b', '198.51.100.23 ticket #12 a-b'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  test('a CommonMark reader sees the original text (one line), and no markup survives', () => {
    const inputs = ['[a](b) <at>x</at> **y** _z_ ~~w~~ `v` \\ {{TIME(x)}} # - +', '\\[already escaped\\]', '\\\\[double]', 'Zoë Åkesson 🚨 <script>', '  1) list', '>quote'];
    for (const input of inputs) {
      const escaped = escapeMarkdown(input);
      expect(unescapeCommonMark(escaped)).toBe(plainText(input));
      expect(unescaped(escaped)).toEqual([]);
    }
  });
});

describe('Adaptive Card (Workflows)', () => {
  test('the sample event is a valid Adaptive Card 1.4 in the Workflows envelope', () => {
    const { envelope, card } = adaptive(sampleEvent());
    expect(envelopeProblems(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null }] });
    expect(card).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
    expect(card.actions).toBeUndefined();
  });

  test('the verifier is not vacuous: the adaptivecards parser and our extra rules catch bad cards', () => {
    const { envelope, card } = adaptive(sampleEvent());
    const withBody = (extra: unknown) => ({ ...card, body: [...card.body, extra] }) as Card;
    expect(adaptiveCardProblems(withBody({ type: 'Table', columns: [], rows: [] })).join()).toMatch(/Unknown element type "Table"/); // 1.5
    expect(adaptiveCardProblems(withBody({ type: 'TextBlock', text: 'x', color: 'purple' })).join()).toMatch(/Invalid value "purple"/);
    expect(adaptiveCardProblems({ ...card, actions: [{ type: 'Action.OpenUrl', title: 'Open' }] }).join()).toMatch(/"url" must be set/);
    expect(adaptiveCardProblems({ ...card, actions: [{ type: 'Action.Submit', title: 'Ack' }] }).join()).toMatch(/Action.Submit needs a bot/);
    expect(adaptiveCardProblems({ ...card, version: '1.5' }).join()).toMatch(/version is 1.5/);
    expect(envelopeProblems({ ...envelope, type: 'card' })).toContain('type must be "message"');
    expect(envelopeProblems(card)).not.toEqual([]);
  });

  test('title, severity, the event facts and the detail facts', () => {
    const { card } = adaptive(sampleEvent());
    expect(card.body[0]).toEqual({ type: 'TextBlock', text: 'Credential exposure detected', weight: 'bolder', size: 'medium', wrap: true });
    expect(card.body[1]).toMatchObject({ type: 'TextBlock', text: 'Critical severity', color: 'attention', weight: 'bolder' });
    const [facts, detail] = factSets(card);
    expect(facts).toEqual([
      { title: 'Category', value: 'secret' },
      { title: 'Action', value: 'credential.exposure.detected' },
      { title: 'Actor', value: 'Zoë Åkesson (User, u\\_1842)' },
      { title: 'Resource', value: 'db-password (Secret, vault/prod/db-password)' },
      { title: 'Source IP', value: '198.51.100.23' },
      { title: 'Occurred at', value: '2026-11-22T09:58:31.120Z' },
      { title: 'Event ID', value: '0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40' },
    ]);
    expect(detail).toEqual([
      { title: 'leak\\_source', value: 'public-repo' },
      { title: 'commit', value: 'a1b2c3d' },
      { title: 'matches', value: '2' },
      { title: 'note', value: 'quotes " and \\\\ and \\<tags\\>' },
    ]);
    expect(card.body.some((e) => e.isSubtle)).toBe(false);
  });

  test.each(Object.entries(SEVERITY_STYLES))('severity %s → colour %s', (severity, style) => {
    const { card } = adaptive(sampleEvent({ severity: severity as EventRecord['severity'] }));
    expect(card.body[1]).toMatchObject({ text: `${style.label} severity`, color: style.color });
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  test('the severity table: attention for critical and high, warning for medium, accent for low', () => {
    expect(Object.fromEntries(Object.entries(SEVERITY_STYLES).map(([s, v]) => [s, [v.color, v.themeColor]]))).toEqual({
      critical: ['attention', 'D13438'],
      high: ['attention', 'F7630C'],
      medium: ['warning', 'FFB900'],
      low: ['accent', '0078D4'],
    });
  });

  test('null category, actor, resource and source IP leave their facts out', () => {
    const { card } = adaptive(sampleEvent({ category: null, actor: null, resource: null, source_ip: null, detail: {} }));
    expect(factSets(card)).toHaveLength(1);
    expect(factSets(card)[0]!.map((f) => f.title)).toEqual(['Action', 'Occurred at', 'Event ID']);
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  test('event text cannot inject links, mentions or emphasis anywhere on the card', () => {
    const evil = '[Reset your password](https://evil.example) <at>General</at> **urgent**';
    const event = sampleEvent({
      title: evil,
      category: evil,
      action: evil,
      actor: { id: evil, type: evil, name: evil },
      resource: { id: evil, type: evil, name: evil },
      source_ip: evil,
      detail: { [evil]: evil, nested: { link: evil } },
    });
    const { card } = adaptive(event);
    const texts = card.body.flatMap((e) => [e.text ?? '', ...(e.facts ?? []).flatMap((f) => [f.title, f.value])]);
    for (const text of texts) expect(unescaped(text)).toEqual([]);
    expect(unescapeCommonMark(card.body[0]!.text!)).toBe(evil);
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  test('an oversized detail is cut to fit 28 KB, still valid, and the card says what was left out', () => {
    const detail = { blob: 'x'.repeat(3 * 1024 * 1024), ...bigDetail(2_000, `v ${'y'.repeat(200)}`) };
    const { raw, card } = adaptive(sampleEvent({ detail }));
    expect(bytes(raw)).toBeLessThanOrEqual(TEAMS_MESSAGE_MAX_BYTES);
    expect(adaptiveCardProblems(card)).toEqual([]);
    const shown = factSets(card)[1]!;
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(DETAIL_MAX_FACTS);
    expect(shown[0]!.title).toBe('blob');
    expect(shown[0]!.value.endsWith('…')).toBe(true);
    const note = card.body.at(-1)!;
    expect(note).toMatchObject({ type: 'TextBlock', isSubtle: true, text: `${2_001 - shown.length} more detail keys not shown; the full event is in the audit log (Event ID above).` });
  });

  test('values that expand most when escaped and JSON-encoded still fit', () => {
    // Every character doubles when escaped and again as JSON (`\` → `\\\\`), or takes 4 bytes.
    for (const value of ['\\'.repeat(5_000), '<'.repeat(5_000), '🚨'.repeat(5_000), '"'.repeat(5_000), '\u0001'.repeat(5_000)]) {
      const { raw, card } = adaptive(sampleEvent({ title: value, detail: bigDetail(100, value) }));
      expect(bytes(raw)).toBeLessThanOrEqual(TEAMS_MESSAGE_MAX_BYTES);
      expect(adaptiveCardProblems(card)).toEqual([]);
      expect(factSets(card)[1]!.length).toBeGreaterThan(0);
    }
  });

  test('more keys than the fact cap: the first 40 are shown and the rest counted', () => {
    const { card } = adaptive(sampleEvent({ detail: bigDetail(45, 'small') }));
    expect(factSets(card)[1]!.map((f) => f.title)).toEqual(Array.from({ length: 40 }, (_, i) => `key\\_${i}`));
    expect(card.body.at(-1)!.text).toBe('5 more detail keys not shown; the full event is in the audit log (Event ID above).');
  });

  test('values are shortened before keys are dropped', () => {
    // 40 keys × 1 KiB would not fit; at 256 bytes each they do.
    const { raw, card } = adaptive(sampleEvent({ detail: bigDetail(40, 'z'.repeat(2_000)) }));
    expect(bytes(raw)).toBeLessThanOrEqual(TEAMS_MESSAGE_MAX_BYTES);
    const shown = factSets(card)[1]!;
    expect(shown).toHaveLength(40);
    expect(bytes(shown[0]!.value)).toBeLessThanOrEqual(256);
    expect(card.body.some((e) => e.isSubtle)).toBe(false);
  });

  test('non-string detail values are compact JSON', () => {
    const { card } = adaptive(sampleEvent({ detail: { list: [1, 'a'], obj: { k: true }, none: null, n: 1.5 } }));
    expect(factSets(card)[1]).toEqual([
      { title: 'list', value: '\\[1,"a"\\]' },
      { title: 'obj', value: '{"k":true}' },
      { title: 'none', value: 'null' },
      { title: 'n', value: '1.5' },
    ]);
  });

  test('is pure: the same event gives the same bytes', () => {
    expect(renderTeams(sampleEvent(), 'adaptive_card')).toEqual(renderTeams(sampleEvent(), 'adaptive_card'));
  });
});

describe('MessageCard (classic connectors, legacy)', () => {
  test('the sample event passes the MessageCard schema, with the theme colour of its severity', () => {
    const { card } = messageCard(sampleEvent());
    expect(messageCardProblems(card)).toEqual([]);
    expect(card).toMatchObject({ '@type': 'MessageCard', '@context': 'http://schema.org/extensions', themeColor: 'D13438', summary: 'Credential exposure detected', title: 'Credential exposure detected' });
    const [section] = card.sections;
    expect(section).toMatchObject({ activityTitle: '**Critical** severity', markdown: true });
    expect(section!.facts.slice(0, 2)).toEqual([
      { name: 'Category', value: 'secret' },
      { name: 'Action', value: 'credential.exposure.detected' },
    ]);
    expect(section!.facts.map((f) => f.name)).toContain('leak\\_source');
    expect(section!.text).toBeUndefined();
  });

  test.each(Object.entries(SEVERITY_STYLES))('severity %s → themeColor', (severity, style) => {
    expect(messageCard(sampleEvent({ severity: severity as EventRecord['severity'] })).card.themeColor).toBe(style.themeColor);
  });

  test('the schema catches what it should (it is not vacuous)', () => {
    const { card } = messageCard(sampleEvent());
    expect(messageCardProblems({ ...card, summary: undefined })).not.toEqual([]);
    expect(messageCardProblems({ ...card, '@type': 'AdaptiveCard' })).not.toEqual([]);
    expect(messageCardProblems({ ...card, sections: [{ facts: [{ name: 'a', value: 1 }] }] })).not.toEqual([]);
  });

  test('markdown fields are escaped; the summary is plain text on one line', () => {
    const title = '[Open](https://evil.example)\n<at>x</at>';
    const { card } = messageCard(sampleEvent({ title, detail: { '**k**': '[v](https://evil.example)' } }));
    expect(card.summary).toBe('[Open](https://evil.example) <at>x</at>');
    expect(unescaped(card.title)).toEqual([]);
    for (const fact of card.sections[0]!.facts) expect(unescaped(fact.name + fact.value)).toEqual([]);
    expect(messageCardProblems(card)).toEqual([]);
  });

  test('an oversized detail fits 28 KB and the section says what was left out', () => {
    const { raw, card } = messageCard(sampleEvent({ title: 't'.repeat(100_000), detail: bigDetail(3_000, 'w'.repeat(5_000)) }));
    expect(bytes(raw)).toBeLessThanOrEqual(TEAMS_MESSAGE_MAX_BYTES);
    expect(messageCardProblems(card)).toEqual([]);
    expect(bytes(card.summary)).toBeLessThanOrEqual(256);
    expect(card.sections[0]!.text).toMatch(/^\d+ more detail keys not shown/);
  });
});

describe('delivery to a real receiver', () => {
  const config = fixture.validConfig;
  const SECRETS = (url: string) => fixture.secretValues(config(url));

  async function deliver(response: ScriptedResponse, cfg: Record<string, unknown> = config(receiver.url)): Promise<Outcome> {
    receiver.script(response);
    const outcome = await sendEvent(teams, cfg, { http, now: () => new Date('2026-11-22T10:00:00Z') });
    for (const secret of SECRETS(receiver.url)) expect(JSON.stringify(outcome)).not.toContain(secret);
    return outcome;
  }

  test('Workflows: POST of the Adaptive Card envelope to the exact URL; 202 empty → delivered', async () => {
    const outcome = await deliver({ status: 202 });
    expect(outcome).toMatchObject({ kind: 'delivered', status: 202 });
    const [request] = receiver.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIGVALUE123');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.authorization).toBeUndefined();
    expect(envelopeProblems(JSON.parse(request!.body.toString('utf8')))).toEqual([]);
  });

  test('format message_card sends a MessageCard; the connector’s 200 `1` → delivered', async () => {
    const outcome = await deliver({ status: 200, body: body('connector-success.txt') }, { webhook_url: `${receiver.url}/webhookb2/x`, format: 'message_card' });
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200, body: '1' });
    expect(messageCardProblems(JSON.parse(receiver.requests[0]!.body.toString('utf8')))).toEqual([]);
  });

  test('without a format, a receiver URL gets the Adaptive Card envelope', async () => {
    await deliver({ status: 202 }, { webhook_url: `${receiver.url}/hook` });
    expect(JSON.parse(receiver.requests[0]!.body.toString('utf8'))).toMatchObject({ type: 'message' });
  });

  test('a 200 carrying "HTTP error 429" is throttling → retryable rate_limited', async () => {
    const outcome = await deliver({ status: 200, body: body('connector-throttled.txt') });
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 200, body: body('connector-throttled.txt') });
    expect(outcome.kind !== 'delivered' && outcome.message).toMatch(/HTTP error 429/);
  });

  test('a 200 carrying "HTTP error 413" → permanent payload_too_large', async () => {
    const outcome = await deliver({ status: 200, body: body('connector-too-large.txt') });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'payload_too_large', status: 200 });
  });

  test('a 200 carrying "HTTP error 400" → permanent client_error', async () => {
    const outcome = await deliver({ status: 200, body: body('connector-bad-request.txt') });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'client_error', status: 200 });
  });

  test('a 200 carrying a 5xx (same wording, made-up status) → retryable server_error', async () => {
    const outcome = await deliver({ status: 200, body: body('connector-bad-request.txt').replace('HTTP error 400', 'HTTP error 503') });
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'server_error', status: 200 });
  });

  test('a 200 saying delivery failed without a status → permanent unexpected_response', async () => {
    const outcome = await deliver({ status: 200, body: 'Webhook message delivery failed with error: unknown' });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'unexpected_response', status: 200 });
  });

  test('any other 2xx body is delivered', async () => {
    expect(await deliver({ status: 200, body: 'ok' })).toMatchObject({ kind: 'delivered' });
  });

  test.each([401, 403])('HTTP %i → permanent auth_error telling to allow "Anyone"', async (status) => {
    const outcome = await deliver({ status });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'auth_error', status });
    expect(outcome.kind !== 'delivered' && outcome.message).toContain('"Anyone"');
  });

  test('HTTP 404 → permanent not_found telling to copy the current URL from the trigger', async () => {
    const outcome = await deliver({ status: 404 });
    expect(outcome).toMatchObject({ kind: 'permanent', reason: 'not_found', status: 404 });
    expect(outcome.kind !== 'delivered' && outcome.message).toMatch(/copy the current URL from the flow's trigger/);
  });

  test('HTTP 429 with Retry-After → retryable, the wait honoured', async () => {
    const outcome = await deliver({ status: 429, headers: { 'retry-after': '12' } });
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'rate_limited', status: 429, retryAfterMs: 12_000 });
  });

  test('an oversized event reaches the receiver within 28 KB', async () => {
    receiver.script({ status: 202 });
    const outcome = await sendEvent(teams, config(receiver.url), { http, event: sampleEvent({ detail: bigDetail(5_000, 'q'.repeat(10_000)) }) });
    expect(outcome.kind).toBe('delivered');
    const [request] = receiver.requests;
    expect(request!.body.length).toBeLessThanOrEqual(TEAMS_MESSAGE_MAX_BYTES);
    expect(() => fixture.checkOversized!(request!)).not.toThrow();
  });
});
