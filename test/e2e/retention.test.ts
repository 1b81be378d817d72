import { Writable } from 'node:stream';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { createLogger } from '@tocsin/config';
import { Retention } from '@tocsin/worker';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * Retention: a tenant's policy (GET/PUT /v1/retention) is enforced by the worker's retention job,
 * in bounded batches, on that tenant only, and never at the cost of a delivery still under way.
 * The job's clock is moved forward instead of waiting for days.
 */
let sys: System;
let ok: Receiver;
let gone: Receiver;
beforeAll(async () => {
  ok = await startReceiver();
  gone = await startReceiver({ defaultResponse: { status: 410 } });
  sys = await startSystem();
});
afterAll(async () => {
  await sys?.close();
  await ok?.close();
  await gone?.close();
});

const DAY = 86_400_000;
const lines: string[] = [];
const logger = createLogger('info', {}, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));

async function hook(token: string, url: string, events: string[]) {
  const res = await sys.request('POST', '/v1/event_sink', token, { name: events[0], event_sink_args: { Webhook: { url } }, events });
  expect(res.status).toBe(201);
  return res.body.event_sink.id as string;
}

const counts = (tenantId: string) =>
  sys.db.withTenant(tenantId, async (tx) => ({ events: await tx.auditEvent.count(), deliveries: await tx.delivery.count(), attempts: await tx.deliveryAttempt.count() }));

test('the policy is validated by field, audited, and read back', async () => {
  // Enterprise: its Events API shows the audit stream.
  const { token } = await sys.tenant('enterprise');
  expect((await sys.request('GET', '/v1/retention', token)).body).toEqual({ retention: { events_days: null, attempts_days: null } });
  for (const [body, path] of [
    [{ events_days: 30, attempts_days: 90 }, 'attempts_days'],
    [{ events_days: 0, attempts_days: null }, 'events_days'],
    [{ events_days: '30', attempts_days: null }, 'events_days'],
    [{ events_days: 30 }, 'attempts_days'],
    [{ events_days: 30, attempts_days: 7, forever: true }, '(body)'],
  ] as const) {
    const res = await sys.request('PUT', '/v1/retention', token, body);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  }
  const set = await sys.request('PUT', '/v1/retention', token, { events_days: 30, attempts_days: 7 });
  expect(set).toMatchObject({ status: 200, body: { retention: { events_days: 30, attempts_days: 7 } } });
  expect((await sys.request('GET', '/v1/retention', token)).body).toEqual({ retention: { events_days: 30, attempts_days: 7 } });
  // Setting the same policy again changes nothing and is not audited again.
  await sys.request('PUT', '/v1/retention', token, { events_days: 30, attempts_days: 7 });
  // The Events API serves the stream once it is settled: poll until the change is there.
  await eventually(async () => ((await sys.request('GET', '/events/v1?limit=100', token)).body.data?.length > 0 ? true : undefined));
  const stream = await sys.request('GET', '/events/v1?limit=100', token);
  // Stored under the VaultPAM catalog's action name for RETENTION_POLICY_CHANGED.
  const changes = stream.body.data.filter((e: { action: string }) => e.action === 'Retention Policy Changed');
  expect(changes).toHaveLength(1);
  expect(changes[0]).toMatchObject({ severity: 'medium', resource: { type: 'Tenant' } });
  expect(changes[0].detail).toEqual({ before: { events_days: null, attempts_days: null }, after: { events_days: 30, attempts_days: 7 } });
  // Clearing it keeps everything for ever again (and leaves this tenant out of the next test's job).
  expect((await sys.request('PUT', '/v1/retention', token, { events_days: null, attempts_days: null })).body).toEqual({ retention: { events_days: null, attempts_days: null } });
});

test("the job deletes what is past a tenant's periods, batch by batch, and keeps deliveries under way and other tenants' records", async () => {
  const a = await sys.tenant('team');
  const b = await sys.tenant('team');
  await hook(a.token, ok.url, ['HONEYTOKEN_TRIPPED']);
  const goneSink = await hook(a.token, gone.url, ['SSH_CA_ROTATED']);
  await hook(b.token, ok.url, ['HONEYTOKEN_TRIPPED']);
  expect((await sys.request('PUT', '/v1/retention', a.token, { events_days: 30, attempts_days: 7 })).status).toBe(200);

  const batch = (n: number) => ({ events: Array.from({ length: n }, (_, i) => ({ action: 'HONEYTOKEN_TRIPPED', detail: { i } })) });
  expect((await sys.request('POST', '/v1/events', a.token, batch(25))).status).toBe(202);
  expect((await sys.request('POST', '/v1/events', b.token, batch(3))).status).toBe(202);
  // 410 Gone disables the sink and holds its delivery: under way, not finished.
  const held = await sys.request('POST', '/v1/events', a.token, { action: 'SSH_CA_ROTATED' });
  await eventually(async () => {
    const [da, db] = await Promise.all([
      sys.db.withTenant(a.tenantId, (tx) => tx.delivery.groupBy({ by: ['state'], _count: true, orderBy: { state: 'asc' } })),
      sys.db.withTenant(b.tenantId, (tx) => tx.delivery.count({ where: { state: 'delivered' } })),
    ]);
    const states = Object.fromEntries(da.map((g) => [g.state, g._count]));
    // The worker also records INTEGRATION_DISABLED in A's stream.
    const notice = await sys.db.withTenant(a.tenantId, (tx) => tx.auditEvent.count({ where: { action: 'INTEGRATION_DISABLED' } }));
    return states.delivered === 25 && states.held === 1 && db === 3 && notice === 1 ? true : undefined;
  });
  const aBefore = await counts(a.tenantId);
  const bBefore = await counts(b.tenantId);
  expect(aBefore).toMatchObject({ deliveries: 26, attempts: 26 });

  const retention = new Retention(sys.db, logger, { intervalMs: 3_600_000, batch: 7 });
  // Eight days on: past the attempts' period, not the events'. The held delivery's attempt stays.
  expect(await retention.runOnce(new Date(Date.now() + 8 * DAY))).toEqual({ events: 0, attempts: 25 });
  expect(await counts(a.tenantId)).toEqual({ ...aBefore, attempts: 1 });
  // 31 days on: every event of A goes (its configuration events too), but the held one's.
  const pass = await retention.runOnce(new Date(Date.now() + 31 * DAY));
  expect(pass).toEqual({ events: aBefore.events - 1, attempts: 0 });
  expect(await counts(a.tenantId)).toEqual({ events: 1, deliveries: 1, attempts: 1 });
  const left = await sys.db.withTenant(a.tenantId, (tx) => tx.auditEvent.findFirstOrThrow({ select: { id: true } }));
  expect(left.id).toBe(held.body.id);
  expect((await sys.db.withTenant(a.tenantId, (tx) => tx.delivery.findFirstOrThrow())).sinkId).toBe(goneSink);
  // B has no policy: nothing of it was touched.
  expect(await counts(b.tenantId)).toEqual(bBefore);
  expect(lines.some((l) => l.includes('retention: deleted') && l.includes(a.tenantId))).toBe(true);
  // Nothing is left to do.
  expect(await retention.runOnce(new Date(Date.now() + 31 * DAY))).toEqual({ events: 0, attempts: 0 });
});
