import { readFileSync } from 'node:fs';
import type { ChannelFixture } from '../testing/fixture.js';
import { requestBody } from '../testing/conformance.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import type { ServiceNowConfig } from './config.js';
import { basicAuthorization, SERVICENOW_CORRELATION_ID_MAX_LENGTH, SERVICENOW_DESCRIPTION_MAX_LENGTH, SERVICENOW_REQUEST_MAX_BYTES, SERVICENOW_SHORT_DESCRIPTION_MAX_LENGTH } from './render.js';

export const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The documented 201 of `POST /api/now/table/incident` (Table API reference, verbatim). */
export const CREATE_INCIDENT_CREATED = fixtureFile('create-incident-201.json');
/** The documented answer of a query that matched nothing. */
export const LIST_EMPTY = fixtureFile('list-empty-200.json');

export const FIXTURE_USERNAME = 'tocsin.integration';
/** A colon, quotes and a backslash: legal in a Basic password, and JSON-escaped when echoed. */
export const FIXTURE_PASSWORD = 'N0w:S3cr3t"pa55\\word!';

/** The path of the lookup and of the create: the same URL, told apart by method. */
export const INCIDENT_PATH = '/api/now/table/incident';

const SAMPLE = { instance_url: 'https://acme.service-now.com', username: FIXTURE_USERNAME, password: FIXTURE_PASSWORD };

export const fixture: ChannelFixture<ServiceNowConfig> = {
  validConfig: (receiverUrl) => ({ instance_url: receiverUrl, username: FIXTURE_USERNAME, password: FIXTURE_PASSWORD, assignment_group: '287ebd7da9fe198100f92cc8d1d2154e', category: 'inquiry' }),
  invalidConfigs: [
    {},
    { username: FIXTURE_USERNAME, password: FIXTURE_PASSWORD },
    { instance_url: SAMPLE.instance_url, password: FIXTURE_PASSWORD },
    { instance_url: SAMPLE.instance_url, username: FIXTURE_USERNAME },
    { ...SAMPLE, instance_url: 42 },
    { ...SAMPLE, instance_url: '' },
    { ...SAMPLE, instance_url: 'acme.service-now.com' },
    { ...SAMPLE, instance_url: '/api/now/table/incident' },
    { ...SAMPLE, instance_url: 'ftp://acme.service-now.com' },
    { ...SAMPLE, instance_url: 'file:///etc/passwd' },
    { ...SAMPLE, instance_url: 'https://admin:secret@acme.service-now.com' },
    { ...SAMPLE, instance_url: 'https://acme.service-now.com\r\nX-Injected: 1' },
    { ...SAMPLE, instance_url: ' https://acme.service-now.com' },
    { ...SAMPLE, instance_url: 'https://acme.service-now.com/?sysparm_query=active=true' },
    { ...SAMPLE, instance_url: 'https://acme.service-now.com/#frag' },
    { ...SAMPLE, instance_url: `https://acme.service-now.com/${'a'.repeat(2048)}` },
    { ...SAMPLE, username: '' },
    { ...SAMPLE, username: 42 },
    { ...SAMPLE, username: null },
    { ...SAMPLE, username: 'tocsin:integration' },
    { ...SAMPLE, username: 'tocsin\r\nX-Injected: 1' },
    { ...SAMPLE, username: 'u'.repeat(256) },
    { ...SAMPLE, password: '' },
    { ...SAMPLE, password: 42 },
    { ...SAMPLE, password: null },
    { ...SAMPLE, password: 'pa55\nword' },
    { ...SAMPLE, password: 'p'.repeat(1025) },
    { ...SAMPLE, table: '' },
    { ...SAMPLE, table: 'Incident' },
    { ...SAMPLE, table: 'incident/../sys_user' },
    { ...SAMPLE, table: 'incident?sysparm_query=x' },
    { ...SAMPLE, table: 'incident^ORactive=true' },
    { ...SAMPLE, table: 't'.repeat(81) },
    { ...SAMPLE, table: 7 },
    { ...SAMPLE, assignment_group: '' },
    { ...SAMPLE, assignment_group: 'g'.repeat(101) },
    { ...SAMPLE, assignment_group: 42 },
    { ...SAMPLE, caller_id: '' },
    { ...SAMPLE, caller_id: 'c'.repeat(101) },
    { ...SAMPLE, caller_id: 'abel.tuter\u0000' },
    { ...SAMPLE, category: '' },
    { ...SAMPLE, category: 'c'.repeat(41) },
    { ...SAMPLE, category: ['software'] },
  ],
  secretValues: (config) => [config.password, basicAuthorization(config.username, config.password).slice('Basic '.length)],
  successBody: CREATE_INCIDENT_CREATED,
  // A 2xx with no record in it (204 carries no body) is not ServiceNow's answer to a create: it is
  // retried, and the next attempt's lookup finds the incident if one was opened after all.
  expectedOutcomes: { 204: { kind: 'retryable', reason: 'unexpected_response' } },
  // The lookup (GET) and the create (POST) share the table's path: only the GET is routed, so the
  // suite's status matrix plays on the create, and its flow-step test fails the lookup.
  routes: { [`GET ${INCIDENT_PATH}`]: { status: 200, headers: { 'content-type': 'application/json' }, body: LIST_EMPTY } },
  maxBodyBytes: SERVICENOW_REQUEST_MAX_BYTES,
  checkOversized(request: ReceivedRequest) {
    expect(request.method).toBe('POST');
    const body = JSON.parse(requestBody(request)) as Record<string, string>;
    expect(body.short_description!.length).toBeLessThanOrEqual(SERVICENOW_SHORT_DESCRIPTION_MAX_LENGTH);
    expect(body.description!.length).toBeLessThanOrEqual(SERVICENOW_DESCRIPTION_MAX_LENGTH);
    expect(body.description).toMatch(/\[detail truncated: \d+ characters of JSON\]$/);
    expect(body.correlation_id!.length).toBeLessThanOrEqual(SERVICENOW_CORRELATION_ID_MAX_LENGTH);
    expect(body).toMatchObject({ urgency: '1', impact: '1', correlation_display: 'Tocsin' });
  },
};
