/**
 * The forwarding rules of the SIEM kinds (docs/architecture.md, "Who receives an event"), shown
 * through the real API and PostgreSQL: which sinks get a delivery row for each event.
 */
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { startSystem, type System } from '../support/system.js';

const SPLUNK_TOKEN = '5f0c3a7e-1b2d-4c8e-9f6a-0d1e2f3a4b5c';

let sys: System;
let tenant: { tenantId: string; token: string };
let receiver: Receiver;
const sinks: Record<string, string> = {};

async function createSink(name: string, args: Record<string, unknown>, body: Record<string, unknown> = {}) {
  return sys.request('POST', '/v1/event_sink', tenant.token, { name, event_sink_args: args, ...body });
}

async function siemSink(name: string, body: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await createSink(name, { Splunk: { url: receiver.url, token: SPLUNK_TOKEN, ...extra } }, body);
  expect(res.status).toBe(201);
  sinks[name] = res.body.event_sink.id;
}

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  tenant = await sys.tenant('enterprise');
  receiver = await startReceiver();
  await siemSink('all');
  await siemSink('listed_high', { events: ['ACCESS_REQUEST_APPROVED'], min_severity: 'high' });
  await siemSink('listed_critical_only', { events: ['ACCESS_REQUEST_APPROVED'], min_severity: 'critical' });
  await siemSink('debug_opt_in', {}, { forward_debug: true });
  await siemSink('disabled', { enabled: false });
  const hook = await createSink('webhook', { Webhook: { url: `${receiver.url}/hook` } });
  expect(hook.status).toBe(201);
  sinks.webhook = hook.body.event_sink.id;
});

afterAll(async () => {
  await receiver?.close();
  await sys?.close();
});

/** Posts one event; answers the names of the sinks that got a delivery, and the stored record's level. */
async function route(event: Record<string, unknown>): Promise<{ to: string[]; level: string | null; severity: string }> {
  const res = await sys.request('POST', '/v1/events', tenant.token, event);
  expect(res.status).toBe(202);
  const rows = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findMany({ where: { eventId: res.body.id } }));
  const names = Object.fromEntries(Object.entries(sinks).map(([name, id]) => [id, name]));
  const stored = await sys.db.withTenant(tenant.tenantId, (tx) => tx.auditEvent.findFirstOrThrow({ where: { id: res.body.id } }));
  expect(res.body.deliveries).toBe(rows.length);
  expect(res.body.level).toBe(stored.level);
  return { to: rows.map((r) => names[r.sinkId]!).sort(), level: stored.level, severity: stored.severity };
}

describe('the level survives ingest', () => {
  test('DEBUG and INFO are both severity low but keep their own level', async () => {
    const debug = await route({ action: 'AGENT_HEARTBEAT_RECEIVED', severity: 'DEBUG' });
    const info = await route({ action: 'AGENT_HEARTBEAT_RECEIVED', severity: 'INFO' });
    expect([debug.severity, info.severity]).toEqual(['low', 'low']);
    expect([debug.level, info.level]).toEqual(['DEBUG', 'INFO']);
  });

  test('a VaultPAM-catalog event sent without a level gets its catalog default', async () => {
    // ACCESS_REQUEST_APPROVED defaults to medium: WARN.
    expect((await route({ action: 'ACCESS_REQUEST_APPROVED' })).level).toBe('WARN');
  });

  test('push-catalog and untyped events have no level unless the producer sent one', async () => {
    expect((await route({ action: 'JIT_APPROVED' })).level).toBeNull();
    expect((await route({ action: 'custom.thing' })).level).toBeNull();
    expect((await route({ action: 'custom.thing', severity: 'ERROR' })).level).toBe('ERROR');
  });

  test('the Events API serves the level on the record', async () => {
    const posted = await sys.request('POST', '/v1/events', tenant.token, { action: 'PROXY_SSH_SESSION_OPENED', severity: 'debug' });
    const page = await sys.request('GET', `/events/v1?limit=1000&from=2000-01-01`, tenant.token);
    expect(page.status).toBe(200);
    const record = (page.body.data as { id: string; level: string | null }[]).find((r) => r.id === posted.body.id);
    expect(record).toMatchObject({ level: 'DEBUG', severity: 'low' });
  });
});

describe('SIEM sinks', () => {
  test('may subscribe to events outside the push catalog, and * takes every typed event', async () => {
    const { to } = await route({ action: 'AGENT_HEARTBEAT_RECEIVED', severity: 'INFO' });
    expect(to).toEqual(['all', 'debug_opt_in']);
  });

  test('match a VaultPAM event on the level the producer sent, not the catalog default', async () => {
    // Default WARN (medium): below listed_high's minimum. ERROR from the producer: at it.
    expect((await route({ action: 'ACCESS_REQUEST_APPROVED' })).to).toEqual(['all', 'debug_opt_in']);
    expect((await route({ action: 'ACCESS_REQUEST_APPROVED', severity: 'ERROR' })).to).toEqual(['all', 'debug_opt_in', 'listed_high']);
    expect((await route({ action: 'ACCESS_REQUEST_APPROVED', severity: 'high' })).to).toEqual(['all', 'debug_opt_in', 'listed_high']);
  });

  test('a typed event at CRITICAL reaches every enabled SIEM sink, whatever its list and minimum', async () => {
    // CONNECTOR_DECOMMISSIONED is in no listed sink's list; the disabled sink gets nothing.
    const { to } = await route({ action: 'CONNECTOR_DECOMMISSIONED', severity: 'CRITICAL' });
    expect(to).toEqual(['all', 'debug_opt_in', 'listed_critical_only', 'listed_high']);
  });

  test('a push-catalog event rated critical by the catalog is critical for SIEM too', async () => {
    // HONEYTOKEN_TRIPPED defaults to critical; the webhook takes it as well (push-eligible, *).
    const { to } = await route({ action: 'HONEYTOKEN_TRIPPED' });
    expect(to).toEqual(['all', 'debug_opt_in', 'listed_critical_only', 'listed_high', 'webhook']);
  });

  test('an event at DEBUG reaches only the sink that opted in', async () => {
    expect((await route({ action: 'AGENT_HEARTBEAT_RECEIVED', severity: 'DEBUG' })).to).toEqual(['debug_opt_in']);
    // A listed event at DEBUG is still held back from the sink that lists it.
    expect((await route({ action: 'ACCESS_REQUEST_APPROVED', severity: 'DEBUG' })).to).toEqual(['debug_opt_in']);
  });

  test('actions outside the catalog reach no sink, even at CRITICAL', async () => {
    expect((await route({ action: 'custom.thing', severity: 'CRITICAL' })).to).toEqual([]);
  });
});

describe('alert kinds keep their rule', () => {
  test('push catalog only: a VaultPAM event that is not push-eligible does not reach the webhook, even at CRITICAL', async () => {
    expect((await route({ action: 'CONNECTOR_DECOMMISSIONED', severity: 'CRITICAL' })).to).not.toContain('webhook');
  });

  test("the catalog's severity, not the producer's level", async () => {
    // JIT_APPROVED is medium and does not carry its own severity; DEBUG from the producer changes nothing.
    const { to, severity } = await route({ action: 'JIT_APPROVED', severity: 'DEBUG' });
    expect(severity).toBe('medium');
    expect(to).toEqual(['all', 'debug_opt_in', 'webhook']);
  });

  test('an alert sink may not list an event outside the push catalog; a SIEM sink may', async () => {
    const refused = await createSink('hook2', { Webhook: { url: `${receiver.url}/hook` } }, { events: ['JIT_APPROVED', 'AGENT_HEARTBEAT_RECEIVED'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'events.1', message: expect.stringContaining('AGENT_HEARTBEAT_RECEIVED is not eligible for push') })]);
    const accepted = await createSink('siem2', { Splunk: { url: receiver.url, token: SPLUNK_TOKEN } }, { events: ['AGENT_HEARTBEAT_RECEIVED', 'Agent Pairing Failed'] });
    expect(accepted.status).toBe(201);
    expect(accepted.body.event_sink.events).toEqual(['AGENT_HEARTBEAT_RECEIVED', 'AGENT_PAIRING_FAILED']);
    await sys.request('DELETE', `/v1/event_sink/${accepted.body.event_sink.id}`, tenant.token);
  });

  test('the SIEM kinds need the enterprise plan', async () => {
    const team = await sys.tenant('team');
    const res = await sys.request('POST', '/v1/event_sink', team.token, { name: 'siem', event_sink_args: { Splunk: { url: receiver.url, token: SPLUNK_TOKEN } } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('plan_required');
  });

  test('forward_debug must be a boolean', async () => {
    const res = await createSink('bad', { Splunk: { url: receiver.url, token: SPLUNK_TOKEN, forward_debug: 'yes' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain('forward_debug');
  });
});
