import { REDACTED_MARKER } from '@tocsin/channels';
import { mergeConfig, withoutMarkers } from './merge.js';

const channel = { secretFields: ['secret'] as const };

test('given fields win, omitted ones are kept', () => {
  expect(mergeConfig(channel, { url: 'https://a', secret: 'whsec_x' }, { url: 'https://b' })).toEqual({ url: 'https://b', secret: 'whsec_x' });
});

test('null removes a field', () => {
  expect(mergeConfig(channel, { url: 'https://a', secret: 'whsec_x' }, { secret: null })).toEqual({ url: 'https://a' });
});

test('a secret sent back as the marker is kept, a new one replaces it', () => {
  expect(mergeConfig(channel, { secret: 'whsec_x' }, { secret: REDACTED_MARKER })).toEqual({ secret: 'whsec_x' });
  expect(mergeConfig(channel, { secret: 'whsec_x' }, { secret: 'whsec_y' })).toEqual({ secret: 'whsec_y' });
});

test('the marker is only special for secret fields', () => {
  expect(mergeConfig(channel, { url: 'https://a' }, { url: REDACTED_MARKER })).toEqual({ url: REDACTED_MARKER });
  expect(withoutMarkers(channel, { secret: REDACTED_MARKER, url: REDACTED_MARKER })).toEqual({ url: REDACTED_MARKER });
});
