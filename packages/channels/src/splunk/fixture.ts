import { readFileSync } from 'node:fs';
import type { ChannelFixture } from '../testing/fixture.js';
import { requestBody } from '../testing/conformance.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import type { SplunkConfig } from './config.js';
import { SPLUNK_REQUEST_MAX_BYTES } from './render.js';

export const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** HEC's success answer, `{"text":"Success","code":0}` (fixtures/README.md). */
export const SUCCESS_BODY = fixtureFile('success-200.json').trim();

/** A GUID, as Splunk generates HEC tokens. */
export const HEC_TOKEN = '8f3c2a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7';

const SAMPLE = { url: 'https://splunk.example.com:8088', token: HEC_TOKEN };

export const fixture: ChannelFixture<SplunkConfig> = {
  validConfig: (receiverUrl) => ({ url: receiverUrl, token: HEC_TOKEN, index: 'security', sourcetype: 'tocsin:audit', forward_debug: false }),
  invalidConfigs: [
    {},
    { url: SAMPLE.url },
    { token: HEC_TOKEN },
    { ...SAMPLE, url: 42 },
    { ...SAMPLE, url: '' },
    { ...SAMPLE, url: 'splunk.example.com:8088' },
    { ...SAMPLE, url: '/services/collector/event' },
    { ...SAMPLE, url: 'ftp://splunk.example.com' },
    { ...SAMPLE, url: 'file:///etc/passwd' },
    { ...SAMPLE, url: 'https://admin:changeme@splunk.example.com:8088' },
    { ...SAMPLE, url: 'https://splunk.example.com:8088\r\nX-Injected: 1' },
    { ...SAMPLE, url: ' https://splunk.example.com:8088' },
    { ...SAMPLE, url: 'https://splunk.example.com:8088/services/collector/event?token=abc' },
    { ...SAMPLE, url: 'https://splunk.example.com:8088/#frag' },
    { ...SAMPLE, url: 'https://splunk.example.com:8088/services/collector/raw' },
    { ...SAMPLE, url: 'https://splunk.example.com:8088/services/collector/health' },
    { ...SAMPLE, url: 'https://splunk.example.com:8088/services/collector/ack' },
    { ...SAMPLE, url: `https://splunk.example.com/${'a'.repeat(2048)}` },
    { ...SAMPLE, token: '' },
    { ...SAMPLE, token: 42 },
    { ...SAMPLE, token: null },
    { ...SAMPLE, token: `Splunk ${HEC_TOKEN}` },
    { ...SAMPLE, token: ` ${HEC_TOKEN}` },
    { ...SAMPLE, token: `${HEC_TOKEN}\r\nX-Injected: 1` },
    { ...SAMPLE, token: `${HEC_TOKEN}\t` },
    { ...SAMPLE, token: `${HEC_TOKEN}é` },
    { ...SAMPLE, token: 'a'.repeat(257) },
    { ...SAMPLE, index: '' },
    { ...SAMPLE, index: 'Security' },
    { ...SAMPLE, index: '_internal' },
    { ...SAMPLE, index: '-security' },
    { ...SAMPLE, index: 'sec.urity' },
    { ...SAMPLE, index: 'sec urity' },
    { ...SAMPLE, index: 'my_kvstore_index' },
    { ...SAMPLE, index: 'a'.repeat(81) },
    { ...SAMPLE, index: 42 },
    { ...SAMPLE, sourcetype: '' },
    { ...SAMPLE, sourcetype: 'tocsin:audit\n' },
    { ...SAMPLE, sourcetype: ' tocsin:audit' },
    { ...SAMPLE, sourcetype: 's'.repeat(257) },
    { ...SAMPLE, source: '' },
    { ...SAMPLE, source: 'to\u0000csin' },
    { ...SAMPLE, host: '' },
    { ...SAMPLE, host: 'vault\r\nprod' },
    { ...SAMPLE, host: 42 },
    { ...SAMPLE, forward_debug: 'yes' },
    { ...SAMPLE, forward_debug: null },
  ],
  secretValues: (config) => [config.token],
  successBody: SUCCESS_BODY,
  maxBodyBytes: SPLUNK_REQUEST_MAX_BYTES,
  checkOversized(request: ReceivedRequest) {
    expect(request.headers['content-encoding']).toBe('gzip');
    const raw = requestBody(request);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(SPLUNK_REQUEST_MAX_BYTES);
    // One event: the body is one JSON object.
    const body = JSON.parse(raw);
    expect(body.event.detail).toMatchObject({ truncated: true, original_bytes: expect.any(Number), json_prefix: expect.any(String) });
    expect(body.event.id).toEqual(expect.any(String));
    expect(body.fields).toEqual({ severity: 'critical', category: 'secret', action: 'credential.exposure.detected' });
    expect(raw).toMatch(/^\{"time":\d+\.\d{3},/);
  },
};
