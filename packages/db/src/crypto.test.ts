import { randomBytes } from 'node:crypto';
import { SecretBox } from './crypto.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

test('round-trips and never contains the plaintext', () => {
  const box = new SecretBox(k1);
  const token = box.encrypt('whsec_plaintext-value', 'tenant/sink/secret');
  expect(token).not.toContain('plaintext');
  expect(box.decrypt(token, 'tenant/sink/secret')).toBe('whsec_plaintext-value');
});

test('a ciphertext moved to another row (other additional data) does not decrypt', () => {
  const box = new SecretBox(k1);
  const token = box.encrypt('s', 'tenantA/sink1/secret');
  expect(() => box.decrypt(token, 'tenantB/sink1/secret')).toThrow(expect.objectContaining({ code: 'decrypt_failed' }));
});

test('a tampered ciphertext is refused', () => {
  const box = new SecretBox(k1);
  const parts = box.encrypt('secret', 'a').split('.');
  parts[4] = Buffer.from('xxxxxx').toString('base64url');
  expect(() => box.decrypt(parts.join('.'), 'a')).toThrow(/authentication/);
});

test('rotation: a retired key still decrypts, a forgotten one does not', () => {
  const old = new SecretBox(k1).encrypt('secret', 'a');
  const rotated = new SecretBox(k2, [k1]);
  expect(rotated.decrypt(old, 'a')).toBe('secret');
  expect(() => new SecretBox(k2).decrypt(old, 'a')).toThrow(/no key/);
});

test('derived keys are stable for one master key and differ per purpose and per master key', () => {
  expect(new SecretBox(k1).deriveKey('a').equals(new SecretBox(k1).deriveKey('a'))).toBe(true);
  expect(new SecretBox(k1).deriveKey('a').equals(new SecretBox(k1).deriveKey('b'))).toBe(false);
  expect(new SecretBox(k1).deriveKey('a').equals(new SecretBox(k2).deriveKey('a'))).toBe(false);
  expect(new SecretBox(k1).deriveKey('a')).toHaveLength(32);
});
