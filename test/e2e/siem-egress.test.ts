/**
 * Every vendor URL a SIEM sink can override (design §4: `url`, `api_url`, `endpoint`,
 * `authority_url`) passes the egress guard at save. The check at every send is the conformance
 * suite's (packages/channels/src/testing/conformance.ts) and the client's.
 */
import { startSystem, type System } from '../support/system.js';

let sys: System;
let token: string;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  token = (await sys.tenant('enterprise')).token;
});
afterAll(async () => sys?.close());

const LOOPBACK = 'http://127.0.0.1:9'; // allowed in tests, so only the field under test is refused
const ingestion = {
  endpoint: LOOPBACK,
  authority_url: LOOPBACK,
  dcr_immutable_id: 'dcr-000a00a000a00000a000000aa000a0aa',
  stream_name: 'Custom-TocsinAudit',
  azure_tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  client_id: '535fb089-9ff3-47b6-9bfb-4f1264799865',
  client_secret: 'a-client-secret-value',
};
const collector = { workspace_id: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', shared_key: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', log_type: 'TocsinAudit' };

const cases: [string, string, Record<string, unknown>][] = [
  ['Splunk', 'url', { token: '5f0c3a7e-1b2d-4c8e-9f6a-0d1e2f3a4b5c' }],
  ['Datadog', 'api_url', { api_key: '0123456789abcdef0123456789abcdef' }],
  ['Sentinel', 'endpoint', ingestion],
  ['Sentinel', 'authority_url', ingestion],
  ['Sentinel', 'api_url', collector],
];

describe.each(cases)('%s %s', (kind, field, base) => {
  test.each(['http://169.254.169.254', 'https://10.0.0.5', 'http://[::1]:8088', 'http://metadata.google.internal'])('%s is refused at save', async (target) => {
    const res = await sys.request('POST', '/v1/event_sink', token, { name: 'siem', event_sink_args: { [kind]: { ...base, [field]: target } } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('egress_denied');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: `event_sink_args.${kind}` })]);
  });

  test('a loopback receiver, allowed in tests, is accepted', async () => {
    const res = await sys.request('POST', '/v1/event_sink', token, { name: 'siem', event_sink_args: { [kind]: { ...base, [field]: LOOPBACK } } });
    expect(res.status).toBe(201);
  });
});
