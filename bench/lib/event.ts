import { randomUUID } from 'node:crypto';

/**
 * The event every ingest benchmark sends (and the bare baselines store): a catalog action with an
 * actor, an address and a little detail, and its own id, so the receiver can tell which one arrived.
 */
export const benchEvent = () => ({ id: randomUUID(), action: 'HONEYTOKEN_TRIPPED', actor: { id: 'u1', type: 'User', name: 'bench' }, source_ip: '198.51.100.7', detail: { n: 1 } });
