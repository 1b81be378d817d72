import { readFileSync } from 'node:fs';
import type { ChannelFixture } from '../testing/fixture.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import type { PagerDutyConfig } from './config.js';
import { PAGERDUTY_DEDUP_KEY_MAX_CHARS, PAGERDUTY_PAYLOAD_MAX_BYTES, PAGERDUTY_SUMMARY_MAX_CHARS } from './render.js';

/** 32 letters and digits, like a real integration key. */
export const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

/** The documented 202 body (PagerDuty/api-schema openapiv3.json, `components.responses.Success`). */
export const SUCCESS_BODY = readFileSync(new URL('./fixtures/success-202.json', import.meta.url), 'utf8');

export const fixture: ChannelFixture<PagerDutyConfig> = {
  validConfig: (receiverUrl) => ({ routing_key: ROUTING_KEY, api_url: receiverUrl }),
  invalidConfigs: [
    {},
    { api_url: 'https://events.pagerduty.com' },
    { routing_key: 42 },
    { routing_key: null },
    { routing_key: '' },
    { routing_key: ROUTING_KEY.slice(1) },
    { routing_key: `${ROUTING_KEY}0` },
    { routing_key: `${ROUTING_KEY.slice(2)}-_` },
    { routing_key: `${ROUTING_KEY.slice(1)} ` },
    { routing_key: `${ROUTING_KEY.slice(2)}\r\n` },
    { routing_key: `${ROUTING_KEY.slice(1)}é` },
    { routing_key: ROUTING_KEY, region: 'EU' },
    { routing_key: ROUTING_KEY, region: 'us-east-1' },
    { routing_key: ROUTING_KEY, region: null },
    { routing_key: ROUTING_KEY, api_url: 42 },
    { routing_key: ROUTING_KEY, api_url: '' },
    { routing_key: ROUTING_KEY, api_url: 'not a url' },
    { routing_key: ROUTING_KEY, api_url: '/v2/enqueue' },
    { routing_key: ROUTING_KEY, api_url: 'ftp://events.pagerduty.com' },
    { routing_key: ROUTING_KEY, api_url: 'file:///etc/passwd' },
    { routing_key: ROUTING_KEY, api_url: 'https://user:pass@events.pagerduty.com' },
    { routing_key: ROUTING_KEY, api_url: 'https://events.pagerduty.com\r\nX-Injected: 1' },
    { routing_key: ROUTING_KEY, api_url: ' https://events.pagerduty.com' },
    { routing_key: ROUTING_KEY, api_url: 'https://proxy.example.com/pd?token=x' },
    { routing_key: ROUTING_KEY, api_url: 'https://proxy.example.com/pd#frag' },
    { routing_key: ROUTING_KEY, api_url: `https://proxy.example.com/${'a'.repeat(2048)}` },
  ],
  secretValues: (config) => [config.routing_key],
  successBody: SUCCESS_BODY,
  // Vendor says "512 KB"; the channel stays within 512,000 bytes, the stricter reading.
  maxBodyBytes: 512 * 1024,
  checkOversized(request: ReceivedRequest) {
    const raw = request.body.toString('utf8');
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(PAGERDUTY_PAYLOAD_MAX_BYTES);
    const body = JSON.parse(raw);
    expect(body.payload.summary.length).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX_CHARS);
    expect(body.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_DEDUP_KEY_MAX_CHARS);
    expect(body.payload.custom_details.detail).toMatchObject({ truncated: true, original_bytes: expect.any(Number), json_prefix: expect.any(String) });
    expect(body.payload.custom_details.id).toEqual(expect.any(String));
  },
};
