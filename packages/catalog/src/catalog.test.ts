import { catalog, curatedEvents, tocsinEvents, vaultpamEvents } from './catalog.js';
import { VAULTPAM_PUBLIC_EVENTS } from './fixtures/vaultpam-public.js';
import { CATEGORIES, SEVERITIES, type CatalogEntry } from './types.js';

const entries: CatalogEntry[] = Object.values(catalog);

describe('curated push catalog (VaultTerm integrations)', () => {
  // The examples table of the VaultTerm integrations page.
  it.each([
    ['CREDENTIAL_EXPOSURE_DETECTED', 'secret', 'critical'],
    ['CREDENTIAL_BREACH_DETECTED', 'secret', 'high'],
    ['JIT_APPROVED', 'access', 'medium'],
    ['SSH_CA_ROTATED', 'access', 'high'],
    ['SSO_LOGIN_FAILED', 'identity', 'medium'],
    ['HONEYTOKEN_TRIPPED', 'anomaly', 'critical'],
  ] as const)('%s is %s / %s', (constant, category, severity) => {
    const entry = curatedEvents[constant];
    expect(entry).toMatchObject({ constant, action: constant, category, severity, push: true });
  });

  it('lets credential exposure carry its own severity', () => {
    expect(catalog.CREDENTIAL_EXPOSURE_DETECTED.ownSeverity).toBe(true);
  });

  it('holds about 60 pushable events whose wire string is the constant', () => {
    const curated: CatalogEntry[] = Object.values(curatedEvents);
    expect(curated.length).toBeGreaterThanOrEqual(55);
    expect(curated.length).toBeLessThanOrEqual(70);
    for (const entry of curated) {
      expect(entry).toMatchObject({ action: entry.constant, push: true });
    }
  });

  it('covers all six categories', () => {
    const used = new Set(Object.values(curatedEvents).map((e: CatalogEntry) => e.category));
    expect([...used].sort()).toEqual([...CATEGORIES].sort());
  });
});

describe('VaultPAM public catalog', () => {
  it.each(VAULTPAM_PUBLIC_EVENTS)('%s has wire string %j in %j', (constant, wire, group) => {
    const entry: CatalogEntry | undefined = (vaultpamEvents as Record<string, CatalogEntry>)[constant];
    expect(entry).toMatchObject({ constant, action: wire, group });
  });

  it('has no event the published page does not list', () => {
    const published = VAULTPAM_PUBLIC_EVENTS.map(([constant]) => constant).sort();
    expect(Object.keys(vaultpamEvents).sort()).toEqual(published);
  });

  it.each([
    ['PROXY_SSH_AUTH_REJECTED', 'high'],
    ['SECURITY_INCIDENT_FLAGGED', 'critical'],
    ['CREDENTIAL_ROTATION_FAILED', 'high'],
  ] as const)('rates %s %s and pushes it', (constant, severity) => {
    expect(catalog[constant]).toMatchObject({ severity, push: true });
  });

  it('does not push routine reads and heartbeats', () => {
    for (const constant of ['AGENT_HEARTBEAT_RECEIVED', 'AUDIT_LOG_VIEWED', 'PLATFORM_USERS_LISTED'] as const) {
      expect(catalog[constant].push).toBe(false);
    }
  });

  it('files MFA and phone events under identity', () => {
    expect(catalog.MFA_RECOVERY_REQUESTED.category).toBe('identity');
    expect(catalog.PHONE_VERIFICATION_FAILED.category).toBe('identity');
    expect(catalog.ACCESS_REQUEST_APPROVED.category).toBe('access');
  });
});

describe('the whole catalog', () => {
  it('names the source catalog of every entry', () => {
    expect(Object.values(curatedEvents).every((e) => e.source === 'vaultterm')).toBe(true);
    expect(Object.values(vaultpamEvents).every((e) => e.source === 'vaultpam')).toBe(true);
    expect(Object.values(tocsinEvents).every((e) => e.source === 'tocsin' && e.push)).toBe(true);
  });

  it('merges the three sources without one overwriting another', () => {
    expect(entries).toHaveLength(Object.keys(curatedEvents).length + Object.keys(vaultpamEvents).length + Object.keys(tocsinEvents).length);
  });

  it('keys every entry by its own constant', () => {
    for (const [key, entry] of Object.entries(catalog)) expect(entry.constant).toBe(key);
  });

  it('has unique wire strings', () => {
    const actions = entries.map((e) => e.action);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it('never uses one entry’s constant as another entry’s wire string', () => {
    // lookupAction accepts both; such a clash would make the answer depend on lookup order.
    for (const entry of entries) {
      const owner = (catalog as Record<string, CatalogEntry>)[entry.action];
      if (owner !== undefined) expect(owner).toBe(entry);
    }
  });

  it('uses only known categories and severities and fills every text', () => {
    for (const entry of entries) {
      expect(CATEGORIES).toContain(entry.category);
      expect(SEVERITIES).toContain(entry.severity);
      expect(entry.title.trim()).not.toBe('');
      expect(entry.group.trim()).not.toBe('');
      expect(entry.description).toMatch(/^[A-Z].*\.$/);
    }
  });
});
