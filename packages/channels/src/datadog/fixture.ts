import { readFileSync } from 'node:fs';
import type { ChannelFixture } from '../testing/fixture.js';
import { requestBody } from '../testing/conformance.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import type { DatadogConfig } from './config.js';
import { DATADOG_LOG_MAX_BYTES, DATADOG_PAYLOAD_MAX_BYTES, DATADOG_PAYLOAD_MAX_ITEMS } from './render.js';

export const fixtureFile = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** 32 hexadecimal characters, like a real API key. */
export const API_KEY = '0123456789abcdef0123456789ABCDEF';

/** The documented 202 body: `{}`. */
export const ACCEPTED_BODY = fixtureFile('accepted-202.json');

const SAMPLE = { api_key: API_KEY };

export const fixture: ChannelFixture<DatadogConfig> = {
  validConfig: (receiverUrl) => ({ api_key: API_KEY, api_url: receiverUrl, service: 'vaultpam-audit', source: 'tocsin', tags: ['env:test', 'team:secops'] }),
  invalidConfigs: [
    {},
    { site: 'datadoghq.com' },
    { api_key: 42 },
    { api_key: null },
    { api_key: '' },
    { api_key: API_KEY.slice(1) },
    { api_key: `${API_KEY}0` },
    { api_key: `${API_KEY.slice(1)}g` },
    { api_key: `${API_KEY.slice(1)} ` },
    { api_key: ` ${API_KEY.slice(1)}` },
    { api_key: `${API_KEY.slice(2)}\r\n` },
    { api_key: `${API_KEY.slice(1)}\u0000` },
    { api_key: `pub${API_KEY.slice(3)}` },
    { ...SAMPLE, site: 'DATADOGHQ.COM' },
    { ...SAMPLE, site: 'us1.datadoghq.com' },
    { ...SAMPLE, site: 'app.datadoghq.com' },
    { ...SAMPLE, site: 'evil.example.com' },
    { ...SAMPLE, site: '' },
    { ...SAMPLE, site: null },
    { ...SAMPLE, api_url: 42 },
    { ...SAMPLE, api_url: '' },
    { ...SAMPLE, api_url: 'not a url' },
    { ...SAMPLE, api_url: '/api/v2/logs' },
    { ...SAMPLE, api_url: 'ftp://http-intake.logs.datadoghq.com' },
    { ...SAMPLE, api_url: 'file:///etc/passwd' },
    { ...SAMPLE, api_url: 'https://user:pass@http-intake.logs.datadoghq.com' },
    { ...SAMPLE, api_url: 'https://http-intake.logs.datadoghq.com\r\nX-Injected: 1' },
    { ...SAMPLE, api_url: ' https://http-intake.logs.datadoghq.com' },
    { ...SAMPLE, api_url: 'https://proxy.example.com/dd?ddtags=env:prod' },
    { ...SAMPLE, api_url: 'https://proxy.example.com/dd#frag' },
    { ...SAMPLE, api_url: `https://proxy.example.com/${'a'.repeat(2048)}` },
    { ...SAMPLE, service: '' },
    { ...SAMPLE, service: 'Tocsin' },
    { ...SAMPLE, service: 'vault pam' },
    { ...SAMPLE, service: '1password' },
    { ...SAMPLE, service: 's'.repeat(101) },
    { ...SAMPLE, service: 42 },
    { ...SAMPLE, source: 'tocsin,env:prod' },
    { ...SAMPLE, source: 'tocsin_' },
    { ...SAMPLE, source: ['tocsin'] },
    { ...SAMPLE, tags: 'env:prod' },
    { ...SAMPLE, tags: [''] },
    { ...SAMPLE, tags: ['prod'] },
    { ...SAMPLE, tags: ['env:'] },
    { ...SAMPLE, tags: [':prod'] },
    { ...SAMPLE, tags: ['Env:Prod'] },
    { ...SAMPLE, tags: ['env:prod,team:x'] },
    { ...SAMPLE, tags: ['env:pro d'] },
    { ...SAMPLE, tags: ['env:prod_'] },
    { ...SAMPLE, tags: ['1env:prod'] },
    { ...SAMPLE, tags: ['env:prod\n'] },
    { ...SAMPLE, tags: [`env:${'p'.repeat(197)}`] },
    { ...SAMPLE, tags: ['host:db-01'] },
    { ...SAMPLE, tags: ['source:vault'] },
    { ...SAMPLE, tags: ['service:vault'] },
    { ...SAMPLE, tags: ['severity:low'] },
    { ...SAMPLE, tags: ['tenant:other'] },
    { ...SAMPLE, tags: Array.from({ length: 33 }, (_, i) => `k${i}:v`) },
    { ...SAMPLE, tags: [42] },
    { ...SAMPLE, forward_debug: 'yes' },
  ],
  secretValues: (config) => [config.api_key],
  successBody: ACCEPTED_BODY,
  maxBodyBytes: DATADOG_PAYLOAD_MAX_BYTES,
  checkOversized(request: ReceivedRequest) {
    expect(request.headers['content-encoding']).toBe('gzip');
    const logs = JSON.parse(requestBody(request)) as Array<Record<string, unknown> & { tocsin: Record<string, unknown> }>;
    expect(logs.length).toBeGreaterThanOrEqual(1);
    expect(logs.length).toBeLessThanOrEqual(DATADOG_PAYLOAD_MAX_ITEMS);
    for (const log of logs) expect(Buffer.byteLength(JSON.stringify(log))).toBeLessThanOrEqual(DATADOG_LOG_MAX_BYTES);
    expect(logs[0]!.tocsin.detail).toMatchObject({ truncated: true, original_bytes: expect.any(Number), json_prefix: expect.any(String) });
    expect(logs[0]!.tocsin.id).toEqual(expect.any(String));
    expect(logs[0]).toMatchObject({ status: 'critical', service: 'vaultpam-audit', ddsource: 'tocsin' });
  },
};
