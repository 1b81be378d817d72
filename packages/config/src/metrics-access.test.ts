import { metricsAccess } from './metrics-access.js';

const TOKEN = 'mt_0123456789abcdef0123';

test('without a token only loopback peers that came through no proxy are answered', () => {
  expect(metricsAccess('127.0.0.1', {}, undefined)).toBe('allowed');
  expect(metricsAccess('::1', {}, undefined)).toBe('allowed');
  expect(metricsAccess('::ffff:127.0.0.1', {}, undefined)).toBe('allowed');
  expect(metricsAccess('10.0.0.7', {}, undefined)).toBe('forbidden');
  expect(metricsAccess('::ffff:10.0.0.7', {}, undefined)).toBe('forbidden');
  expect(metricsAccess('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, undefined)).toBe('forbidden');
  expect(metricsAccess('127.0.0.1', { forwarded: 'for=203.0.113.9' }, undefined)).toBe('forbidden');
  expect(metricsAccess(undefined, {}, undefined)).toBe('forbidden');
});

test('with a token, the bearer decides, wherever the request comes from', () => {
  expect(metricsAccess('10.0.0.7', { authorization: `Bearer ${TOKEN}` }, TOKEN)).toBe('allowed');
  expect(metricsAccess('127.0.0.1', {}, TOKEN)).toBe('unauthorized');
  expect(metricsAccess('10.0.0.7', { authorization: `Bearer ${TOKEN}x` }, TOKEN)).toBe('unauthorized');
  expect(metricsAccess('10.0.0.7', { authorization: TOKEN }, TOKEN)).toBe('unauthorized');
  expect(metricsAccess('10.0.0.7', { authorization: 'Bearer ' }, TOKEN)).toBe('unauthorized');
});
