import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ChannelFixture } from '../testing/fixture.js';
import { requestBody } from '../testing/conformance.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import type { OpsgenieConfig } from './config.js';
import { OPSGENIE_DETAILS_MAX_CHARS } from './render.js';

/** Shaped like the vendor's sample key (docs.opsgenie.com: `GenieKey eb243592-faa2-4ba2-a551q-1afdf565c889`). */
export const FIXTURE_API_KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';

const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The documented 202 body of a create-alert request. */
export const CREATE_ALERT_ACCEPTED = fixtureFile('create-alert-202.json').trim();

/** The independent check: the vendor's schema (fixtures/create-alert.schema.json), not our types. */
export const validateCreateAlert = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(fixtureFile('create-alert.schema.json')) as object);

/**
 * Checks one sent body against the schema and the limits JSON Schema cannot say; throws with
 * every violation. Used by the channel's tests and the conformance suite's oversized event.
 */
export function assertValidAlertBody(body: unknown): void {
  if (!validateCreateAlert(body)) throw new Error(`the body does not match CreateAlertPayload: ${JSON.stringify(validateCreateAlert.errors)}`);
  const details = (body as { details?: Record<string, unknown> }).details ?? {};
  const total = Object.entries(details).reduce((sum, [key, value]) => sum + key.length + String(value).length, 0);
  if (total > OPSGENIE_DETAILS_MAX_CHARS) throw new Error(`details hold ${total} characters, over ${OPSGENIE_DETAILS_MAX_CHARS}`);
}

const SAMPLE = { api_key: FIXTURE_API_KEY };

export const fixture: ChannelFixture<OpsgenieConfig> = {
  validConfig: (receiverUrl) => ({ api_key: FIXTURE_API_KEY, region: 'us', api_url: receiverUrl }),
  invalidConfigs: [
    {},
    { region: 'us' },
    { api_key: 42 },
    { api_key: null },
    { api_key: '' },
    { api_key: 'short' },
    { api_key: 'k'.repeat(129) },
    { api_key: 'eb243592 faa2 4ba2' },
    { api_key: `${FIXTURE_API_KEY}\r\nX-Injected: 1` },
    { api_key: 'key/with+slash=' },
    { ...SAMPLE, region: 'ap' },
    { ...SAMPLE, region: 'EU' },
    { ...SAMPLE, region: 1 },
    { ...SAMPLE, api_url: 'not a url' },
    { ...SAMPLE, api_url: '/relative' },
    { ...SAMPLE, api_url: 'ftp://api.opsgenie.com' },
    { ...SAMPLE, api_url: 'file:///etc/passwd' },
    { ...SAMPLE, api_url: 'https://user:pass@api.opsgenie.com' },
    { ...SAMPLE, api_url: 'https://api.opsgenie.com\r\nX-Injected: 1' },
    { ...SAMPLE, api_url: ' https://api.opsgenie.com' },
    { ...SAMPLE, api_url: 'https://api.opsgenie.com/?apiKey=x' },
    { ...SAMPLE, api_url: 'https://api.opsgenie.com/#frag' },
    { ...SAMPLE, api_url: `https://example.com/${'a'.repeat(2048)}` },
    { ...SAMPLE, api_url: 42 },
    { ...SAMPLE, responders: { type: 'team', name: 'SecOps' } },
    { ...SAMPLE, responders: [{ type: 'group', name: 'SecOps' }] },
    { ...SAMPLE, responders: [{ type: 'all' }] },
    { ...SAMPLE, responders: [{ type: 'team' }] },
    { ...SAMPLE, responders: [{ type: 'team', id: 'a', name: 'b' }] },
    { ...SAMPLE, responders: [{ type: 'user', name: 'Zoë' }] },
    { ...SAMPLE, responders: [{ type: 'team', username: 'zoe@example.com' }] },
    { ...SAMPLE, responders: [{ type: 'team', name: '' }] },
    { ...SAMPLE, responders: [{ type: 'team', name: ' SecOps' }] },
    { ...SAMPLE, responders: [{ type: 'team', name: 'Sec\nOps' }] },
    { ...SAMPLE, responders: [{ type: 'team', name: 'SecOps', extra: 1 }] },
    { ...SAMPLE, responders: Array.from({ length: 51 }, (_, i) => ({ type: 'team', name: `team-${i}` })) },
    { ...SAMPLE, tags: 'prod' },
    { ...SAMPLE, tags: [''] },
    { ...SAMPLE, tags: ['two words'] },
    { ...SAMPLE, tags: ['a,b'] },
    { ...SAMPLE, tags: ['t'.repeat(51)] },
    { ...SAMPLE, tags: [42] },
    { ...SAMPLE, tags: Array.from({ length: 17 }, (_, i) => `tag${i}`) },
  ],
  secretValues: (config) => [config.api_key],
  successBody: CREATE_ALERT_ACCEPTED,
  // Opsgenie documents field limits, not a request-size limit: each field is checked instead.
  checkOversized(request: ReceivedRequest) {
    assertValidAlertBody(JSON.parse(requestBody(request)));
  },
};
