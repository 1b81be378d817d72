import type { EventRecord } from '../core/event-record.js';

/** A realistic record for channel tests: every field set, a nested detail, non-ASCII text. */
export function sampleEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id: '0b6f4d2e-8a51-4c1e-9d3b-7f2a1c5e9b40',
    tenant_id: 't_3f9a2c',
    action: 'credential.exposure.detected',
    title: 'Credential exposure detected',
    category: 'secret',
    severity: 'critical',
    level: null,
    actor: { id: 'u_1842', type: 'User', name: 'Zoë Åkesson' },
    resource: { id: 'vault/prod/db-password', type: 'Secret', name: 'db-password' },
    source_ip: '198.51.100.23',
    detail: { leak_source: 'public-repo', commit: 'a1b2c3d', matches: 2, note: 'quotes " and \\ and <tags>' },
    occurred_at: '2026-11-22T09:58:31.120Z',
    received_at: '2026-11-22T09:58:31.402Z',
    ...overrides,
  };
}
