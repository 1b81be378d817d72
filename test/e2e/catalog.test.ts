import { CATEGORIES, SOURCES, catalog, type CatalogEntry } from '@tocsin/catalog';
import { startSystem, type System } from '../support/system.js';

let sys: System;
let admin: string;
const entries: CatalogEntry[] = Object.values(catalog);
const constants = (list: CatalogEntry[]) => list.map((e) => e.constant);

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  admin = (await sys.tenant('enterprise')).token;
});
afterAll(async () => sys?.close());

test('lists every typed event of the three sources, in catalog order, snake_case as the package defines them', async () => {
  const res = await sys.request('GET', '/v1/catalog', admin);
  expect(res.status).toBe(200);
  expect(res.body.events.map((e: { constant: string }) => e.constant)).toEqual(constants(entries));
  for (const source of SOURCES) expect(res.body.events.some((e: { source: string }) => e.source === source)).toBe(true);

  const byConstant = new Map(res.body.events.map((e: { constant: string }) => [e.constant, e]));
  expect(byConstant.get('CREDENTIAL_EXPOSURE_DETECTED')).toEqual({
    constant: 'CREDENTIAL_EXPOSURE_DETECTED',
    action: 'CREDENTIAL_EXPOSURE_DETECTED',
    title: 'Credential exposure detected',
    category: 'secret',
    source: 'vaultterm',
    group: catalog.CREDENTIAL_EXPOSURE_DETECTED.group,
    severity: 'critical',
    own_severity: true,
    push: true,
    description: catalog.CREDENTIAL_EXPOSURE_DETECTED.description,
  });
  expect(byConstant.get('MFA_RECOVERY_REQUESTED')).toMatchObject({ action: 'mfa.recovery.requested', source: 'vaultpam', group: 'Identity / Access / Sharing', category: 'identity', push: false });
  expect(byConstant.get('EVENT_SINK_DELETED')).toMatchObject({ source: 'tocsin', severity: 'medium', push: true, own_severity: false });

  expect(res.body.levels.map((l: { value: string }) => l.value)).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL']);
  expect(res.body.actor_types).toContainEqual({ value: 'ServiceAccount', description: 'API token or machine account.' });
  expect(res.body.target_types).toContainEqual({ value: 'API Token', description: 'API token object.' });
});

test.each([
  ['category=identity', (e: CatalogEntry) => e.category === 'identity'],
  ['push=true', (e: CatalogEntry) => e.push],
  ['push=false', (e: CatalogEntry) => !e.push],
  ['source=vaultpam', (e: CatalogEntry) => e.source === 'vaultpam'],
  ['source=tocsin', (e: CatalogEntry) => e.source === 'tocsin'],
  ['source=vaultpam&push=true', (e: CatalogEntry) => e.source === 'vaultpam' && e.push],
  ['category=secret&push=false&source=vaultpam', (e: CatalogEntry) => e.category === 'secret' && !e.push && e.source === 'vaultpam'],
])('?%s keeps exactly the matching events', async (query, keep) => {
  const res = await sys.request('GET', `/v1/catalog?${query}`, admin);
  expect(res.status).toBe(200);
  const expected = constants(entries.filter(keep));
  expect(expected.length).toBeGreaterThan(0);
  expect(res.body.events.map((e: { constant: string }) => e.constant)).toEqual(expected);
  // The vocabularies are not filtered.
  expect(res.body.levels).toHaveLength(5);
});

test('every category filters to its own events, and the categories together cover the catalog', async () => {
  let total = 0;
  for (const category of CATEGORIES) {
    const res = await sys.request('GET', `/v1/catalog?category=${category}`, admin);
    expect(new Set(res.body.events.map((e: { category: string }) => e.category))).toEqual(new Set([category]));
    total += res.body.events.length;
  }
  expect(total).toBe(entries.length);
});

test.each([
  ['category=nope', 'category'],
  ['push=yes', 'push'],
  ['push=TRUE', 'push'],
  ['source=splunk', 'source'],
  ['category=identity&category=org', 'category'],
  ['severity=high', 'severity'],
])('?%s is a 400 naming %s', async (query, field) => {
  const res = await sys.request('GET', `/v1/catalog?${query}`, admin);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([field]);
});

test('any authenticated caller reads it, whatever its scopes and plan; no token is 401', async () => {
  const free = await sys.tenant('free');
  for (const scopes of [['events:write'], ['events:read'], ['sinks:admin']] as const) {
    const token = await sys.token(free.tenantId, [...scopes]);
    const res = await sys.request('GET', '/v1/catalog?source=tocsin', token);
    expect([scopes[0], res.status, res.body.events.length]).toEqual([scopes[0], 200, 10]);
  }
  const none = await sys.request('GET', '/v1/catalog', undefined);
  expect([none.status, none.body.error.code]).toEqual([401, 'unauthenticated']);
  const bad = await sys.request('GET', '/v1/catalog', 'tct_not-a-real-token');
  expect([bad.status, bad.body.error.code]).toEqual([401, 'unauthenticated']);
});
