import type { ChannelFixture } from '../testing/fixture.js';
import type { WebhookConfig } from './config.js';

/** 32 bytes, base64: a secret of the recommended size. */
const SECRET = 'whsec_3q2+7wAAAAD/u5WZQ0y3tA5Ib7FJ0m5k0XvHkUu0nYQ=';

export const fixture: ChannelFixture<WebhookConfig> = {
  validConfig: (receiverUrl) => ({ url: `${receiverUrl}/hooks/tocsin?team=sec`, secret: SECRET }),
  invalidConfigs: [
    {},
    { secret: SECRET },
    { url: 42 },
    { url: 'not a url' },
    { url: '/relative/path' },
    { url: 'ftp://example.com/hook' },
    { url: 'file:///etc/passwd' },
    { url: 'https://user:pass@example.com/hook' },
    { url: 'https://example.com/hook\r\nX-Injected: 1' },
    { url: ' https://example.com/hook' },
    { url: `https://example.com/${'a'.repeat(2048)}` },
    { url: 'https://example.com/hook', secret: '' },
    { url: 'https://example.com/hook', secret: 'not-a-whsec-secret' },
    // Without the prefix: Standard Webhooks libraries accept it, our config does not.
    { url: 'https://example.com/hook', secret: SECRET.slice('whsec_'.length) },
    // 16 bytes: under the spec's 24-byte minimum.
    { url: 'https://example.com/hook', secret: `whsec_${Buffer.alloc(16, 7).toString('base64')}` },
    // 65 bytes: over 64.
    { url: 'https://example.com/hook', secret: `whsec_${Buffer.alloc(65, 7).toString('base64')}` },
    { url: 'https://example.com/hook', secret: 'whsec_not*base64*at*all*not*base64*at*all' },
    { url: 'https://example.com/hook', secret: null },
  ],
  secretValues: (config) => (config.secret ? [config.secret, config.secret.slice('whsec_'.length)] : []),
};
