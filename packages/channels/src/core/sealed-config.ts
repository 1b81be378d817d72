import type { AnyChannel } from './channel.js';
import { REDACTED_MARKER } from './secret.js';
import { resolveChannelConfig } from './resolve-config.js';

/** What sealing needs from the cipher (the db package's SecretBox fits). */
export interface Cipher {
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
}

export interface SinkIdentity {
  tenantId: string;
  sinkId: string;
}

/** Binds a ciphertext to its tenant, sink and field, so it cannot be replayed elsewhere. */
const aad = (who: SinkIdentity, field: string): string => `${who.tenantId}/${who.sinkId}/${field}`;

/** Encrypts the channel's secret fields of a validated config, for storage. */
export function sealConfig(channel: AnyChannel, config: Record<string, unknown>, cipher: Cipher, who: SinkIdentity): Record<string, unknown> {
  const sealed = { ...config };
  for (const field of channel.secretFields) {
    const value = sealed[field];
    if (typeof value === 'string') sealed[field] = cipher.encrypt(value, aad(who, field));
  }
  return sealed;
}

/** The stored config with its secret fields decrypted: what an update merges into. */
export function unsealConfig(channel: AnyChannel, stored: Record<string, unknown>, cipher: Cipher, who: SinkIdentity): Record<string, unknown> {
  const plain = { ...stored };
  for (const field of channel.secretFields) {
    const value = plain[field];
    if (typeof value === 'string') plain[field] = cipher.decrypt(value, aad(who, field));
  }
  return plain;
}

/** Decrypts a stored config, then validates it again (on load, as on save) and wraps its secrets. */
export function openConfig(channel: AnyChannel, stored: Record<string, unknown>, cipher: Cipher, who: SinkIdentity): Parameters<AnyChannel['open']>[0] {
  return resolveChannelConfig(channel, unsealConfig(channel, stored, cipher, who));
}

/** The stored config as the API shows it: secret fields replaced by a marker. */
export function redactConfig(channel: AnyChannel, stored: Record<string, unknown>): Record<string, unknown> {
  const shown = { ...stored };
  for (const field of channel.secretFields) if (shown[field] !== undefined) shown[field] = REDACTED_MARKER;
  return shown;
}
