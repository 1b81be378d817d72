import { createDecipheriv, randomBytes } from 'node:crypto';
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

/**
 * Decrypts by the documented format alone (`v1.<key id>.<iv>.<tag>.<data>`, base64url parts,
 * AES-256-GCM with the additional data), with node:crypto rather than SecretBox, so a change of
 * format that SecretBox would still read back is caught.
 */
function decryptByTheBook(token: string, key: Buffer, aad: string): string {
  const parts = token.split('.');
  expect(parts).toHaveLength(5);
  const [version, , iv, tag, data] = parts as [string, string, string, string, string];
  expect(version).toBe('v1');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

test('a ciphertext follows the documented format: 96-bit IV, 128-bit tag, readable with plain node:crypto', () => {
  const token = new SecretBox(k1).encrypt('hunter2-ü', 'tenant/sink/secret');
  expect(token).toMatch(/^v1\.[0-9a-f]{12}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const [, , iv, tag] = token.split('.');
  expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
  expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
  expect(decryptByTheBook(token, k1, 'tenant/sink/secret')).toBe('hunter2-ü');
  expect(() => decryptByTheBook(token, k1, 'tenant/sink/other')).toThrow();
  expect(() => decryptByTheBook(token, k2, 'tenant/sink/secret')).toThrow();
});

test('two encryptions of one text differ (fresh IV each time), under one key id, and both decrypt', () => {
  const box = new SecretBox(k1);
  const a = box.encrypt('same text', 'aad');
  const b = box.encrypt('same text', 'aad');
  expect(a).not.toBe(b);
  const [va, ida, iva, , da] = a.split('.');
  const [vb, idb, ivb, , db] = b.split('.');
  expect([va, ida]).toEqual([vb, idb]);
  expect(iva).not.toBe(ivb);
  expect(da).not.toBe(db);
  expect([decryptByTheBook(a, k1, 'aad'), decryptByTheBook(b, k1, 'aad')]).toEqual(['same text', 'same text']);
  // The key id names the key: another key, another id.
  expect(new SecretBox(k2).encrypt('same text', 'aad').split('.')[1]).not.toBe(ida);
});
