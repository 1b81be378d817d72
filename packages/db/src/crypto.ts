import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D recommends 96-bit IVs for GCM

export class DecryptError extends Error {
  readonly code = 'decrypt_failed';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecryptError';
  }
}

/** A short public id for a key, stored with each ciphertext so the master key can rotate. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('tocsin-key-id').update(key).digest('hex').slice(0, 12);
}

/**
 * AES-256-GCM in the application. A ciphertext is `v1.<key id>.<iv>.<tag>.<data>` (base64url).
 * The additional data binds a ciphertext to where it belongs (tenant, sink, field), so a value
 * copied into another tenant's row does not decrypt.
 */
export class SecretBox {
  readonly #current: { id: string; key: Buffer };
  readonly #keys: Map<string, Buffer>;

  constructor(current: Buffer, retired: Buffer[] = []) {
    for (const k of [current, ...retired]) if (k.length !== 32) throw new Error('encryption keys must be 32 bytes');
    this.#current = { id: keyId(current), key: current };
    this.#keys = new Map([current, ...retired].map((k) => [keyId(k), k]));
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return [VERSION, this.#current.id, ...parts].join('.');
  }

  decrypt(token: string, aad: string): string {
    const [version, id, iv, tag, data] = token.split('.');
    if (version !== VERSION || !id || iv === undefined || tag === undefined || data === undefined) {
      throw new DecryptError('not a Tocsin ciphertext');
    }
    const key = this.#keys.get(id);
    if (!key) throw new DecryptError(`no key with id ${id} is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new DecryptError('ciphertext failed authentication', { cause: err });
    }
  }

  /**
   * A 32-byte key for another purpose (e.g. signing cursors), derived from the current master key
   * with HKDF-SHA256, so one configured secret serves every process of a deployment.
   */
  deriveKey(info: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#current.key, Buffer.alloc(0), info, 32));
  }

}
