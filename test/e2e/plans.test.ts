/**
 * Plans (design §2) through the real api, worker and CLI: push integrations need team, the SIEM
 * kinds enterprise; `tocsin tenant set-plan` in its own process downgrades a tenant, which
 * disables (never deletes) the sinks the plan no longer allows, stops their deliveries, is
 * audited with the operator as actor, and reaches the running api's caches at once.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, startSystem, type System } from '../support/system.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));
const SPLUNK_TOKEN = '5f0c3a7e-1b2d-4c8e-9f6a-0d1e2f3a4b5c';

let sys: System;
let splunk: Receiver;
let hooks: Receiver;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  [splunk, hooks] = await Promise.all([startReceiver(), startReceiver()]);
});
afterAll(async () => {
  await Promise.all([splunk?.close(), hooks?.close()]);
  await sys?.close();
});

/** The CLI against this system's database, Redis and queues. */
async function cli(...args: string[]): Promise<any> {
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: sys.config.DATABASE_URL,
    REDIS_URL: sys.config.REDIS_URL,
    ...(sys.config.TOCSIN_QUEUE ? { TOCSIN_QUEUE: sys.config.TOCSIN_QUEUE } : {}),
    TOCSIN_QUEUE_PREFIX: sys.config.TOCSIN_QUEUE_PREFIX,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  };
  const { stdout } = await run(process.execPath, [BIN, ...args, '--json'], { env });
  return JSON.parse(stdout);
}

const webhookArgs = () => ({ Webhook: { url: `${hooks.url}/hook` } });
const splunkArgs = () => ({ Splunk: { url: splunk.url, token: SPLUNK_TOKEN } });
const createSink = (token: string, name: string, args: Record<string, unknown>) => sys.request('POST', '/v1/event_sink', token, { name, event_sink_args: args });
const deliveriesOf = (tenantId: string, eventId: string) =>
  sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany({ where: { eventId }, select: { sinkId: true, state: true, lastErrorCode: true } }));

test('a free tenant cannot create any sink: 403 plan_required', async () => {
  const free = await sys.tenant('free');
  for (const args of [webhookArgs(), splunkArgs()]) {
    const res = await createSink(free.token, 'nope', args);
    expect([res.status, res.body.error.code]).toEqual([403, 'plan_required']);
  }
  expect((await sys.request('GET', '/v1/event_sink', free.token)).body.event_sinks).toEqual([]);
});

test('a team tenant can create a webhook sink but not a Splunk sink', async () => {
  const team = await sys.tenant('team');
  const refused = await createSink(team.token, 'siem', splunkArgs());
  expect([refused.status, refused.body.error.code]).toEqual([403, 'plan_required']);
  expect(refused.body.error.message).toContain('enterprise');
  expect((await createSink(team.token, 'hook', webhookArgs())).status).toBe(201);
});

test('enterprise → team disables the Splunk sink with its reason, keeps it readable, and its deliveries stop', async () => {
  const tenant = await sys.tenant('enterprise');
  const siem = (await createSink(tenant.token, 'siem', splunkArgs())).body.event_sink;
  const hook = (await createSink(tenant.token, 'hook', webhookArgs())).body.event_sink;
  // The api now holds the tenant's enterprise plan and its two sinks in its caches.
  expect((await sys.request('GET', '/events/v1', tenant.token)).status).toBe(200);
  // No worker yet: both deliveries of this event wait in PostgreSQL.
  const before = await sys.request('POST', '/v1/events', tenant.token, { action: 'HONEYTOKEN_TRIPPED' });
  expect(before.body.deliveries).toBe(2);

  const change = await cli('tenant', 'set-plan', '--tenant', tenant.tenantId, '--plan', 'team');
  expect(change).toEqual({ tenant_id: tenant.tenantId, plan: 'team', previous_plan: 'enterprise', disabled_sinks: [{ id: siem.id, name: 'siem', event_sink_type: 'Splunk' }] });

  // Kept and readable, with its configuration (secret redacted) and the reason.
  const read = await sys.request('GET', `/v1/event_sink/${siem.id}`, tenant.token);
  expect(read.status).toBe(200);
  expect(read.body.event_sink).toMatchObject({ enabled: false, disabled_reason: 'plan_downgraded', configuration: { Splunk: { url: splunk.url, token: '[REDACTED]' } } });
  expect((await sys.request('GET', `/v1/event_sink/${hook.id}`, tenant.token)).body.event_sink).toMatchObject({ enabled: true, disabled_reason: null });

  // The running api dropped the old plan: within 2 s the Events API and Splunk are refused.
  await eventually(async () => ((await sys.request('GET', '/events/v1', tenant.token)).status === 403 ? true : undefined), 2_000, 'the api to see the team plan');
  const again = await createSink(tenant.token, 'siem again', splunkArgs());
  expect([again.status, again.body.error.code]).toEqual([403, 'plan_required']);

  // The waiting Splunk delivery ended skipped; new events go to the webhook only.
  const waiting = await deliveriesOf(tenant.tenantId, before.body.id);
  expect(waiting.find((d) => d.sinkId === siem.id)).toMatchObject({ state: 'skipped', lastErrorCode: 'sink_disabled' });
  expect(waiting.find((d) => d.sinkId === hook.id)).toMatchObject({ state: 'pending' });
  const after = await sys.request('POST', '/v1/events', tenant.token, { action: 'HONEYTOKEN_TRIPPED' });
  expect((await deliveriesOf(tenant.tenantId, after.body.id)).map((d) => d.sinkId)).toEqual([hook.id]);

  await sys.startWorker();
  await hooks.waitForRequests(2, 20_000);
  await eventually(async () => {
    const states = [...(await deliveriesOf(tenant.tenantId, before.body.id)), ...(await deliveriesOf(tenant.tenantId, after.body.id))].filter((d) => d.sinkId === hook.id);
    return states.every((d) => d.state === 'delivered') ? true : undefined;
  }, 20_000, 'the webhook deliveries');
  expect(splunk.requests).toHaveLength(0);
  // The disabling is pushed like any other event, to the sink that is left.
  await eventually(async () => (hooks.requests.some((r) => r.headers['x-tocsin-event'] === 'EVENT_SINK_DISABLED') ? true : undefined), 20_000, 'EVENT_SINK_DISABLED at the webhook');

  // One EVENT_SINK_DISABLED, with the operator as actor and the reason.
  const audit = await sys.db.withTenant(tenant.tenantId, (tx) => tx.auditEvent.findMany({ where: { action: 'EVENT_SINK_DISABLED' } }));
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({
    actor: { type: 'PlatformAdmin', id: 'cli' },
    resource: { id: siem.id, type: 'EventSink', name: 'siem' },
    detail: { event_sink_type: 'Splunk', reason: 'plan_downgraded', plan: 'team', previous_plan: 'enterprise' },
  });
});

test('team → free disables every sink; an upgrade re-enables none of them', async () => {
  const tenant = await sys.tenant('team');
  const hook = (await createSink(tenant.token, 'hook', webhookArgs())).body.event_sink;
  expect((await cli('tenant', 'set-plan', '--tenant', tenant.tenantId, '--plan', 'free')).disabled_sinks.map((s: { id: string }) => s.id)).toEqual([hook.id]);
  const up = await cli('tenant', 'set-plan', '--tenant', tenant.tenantId, '--plan', 'enterprise');
  expect(up).toEqual({ tenant_id: tenant.tenantId, plan: 'enterprise', previous_plan: 'free', disabled_sinks: [] });
  expect((await sys.request('GET', `/v1/event_sink/${hook.id}`, tenant.token)).body.event_sink).toMatchObject({ enabled: false, disabled_reason: 'plan_downgraded' });
  // Listed with its new plan.
  const { tenants } = await cli('tenant', 'list');
  expect(tenants).toContainEqual({ tenant_id: tenant.tenantId, name: expect.any(String), plan: 'enterprise', created_at: expect.any(String) });
});
