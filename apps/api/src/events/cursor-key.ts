import { hkdfSync } from 'node:crypto';
import type { SecretBox } from '@tocsin/db';
import type { Config } from '@tocsin/config';

const INFO = 'tocsin/events-api/cursor/v1';

/**
 * The key that signs Events API cursors: from TOCSIN_CURSOR_SECRET, else derived from the master
 * encryption key (which every process of a deployment shares), so any api process accepts the
 * others' cursors and they survive restarts. Rotating the master key without a cursor secret
 * invalidates outstanding cursors: clients start their walk again from their last window.
 */
export function cursorKeyFrom(config: Config, box: SecretBox): Buffer {
  if (config.TOCSIN_CURSOR_SECRET) return Buffer.from(hkdfSync('sha256', Buffer.from(config.TOCSIN_CURSOR_SECRET, 'utf8'), Buffer.alloc(0), INFO, 32));
  return box.deriveKey(INFO);
}
