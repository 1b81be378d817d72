/**
 * The worker's DeliveryStore against a real database: claims and attempt records that arrive
 * together share one transaction, and each still gets its own answer; a claim that finds its sink
 * disabled holds the delivery and gives the attempt back, in the round's last statement too.
 */
import type { Database } from '@tocsin/db';
import { DeliveryStore, type AttemptRecord } from '../../apps/worker/src/deliveries.js';
import { retryPoliciesOf } from '../../apps/worker/src/retry-policy.js';
import { startSystem, type System } from '../support/system.js';

let sys: System;
let tenant: { tenantId: string; token: string };
let sinkId: string;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  tenant = await sys.tenant('team');
  // Never called: no worker runs, and the relay's grace keeps the api's deliveries pending.
  const res = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'store', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } }, events: ['JIT_APPROVED'] });
  expect(res.status).toBe(201);
  sinkId = res.body.event_sink.id;
});
afterAll(async () => {
  await sys?.close();
});

/** A new event with one delivery to the sink; its delivery's id. */
async function delivery(): Promise<string> {
  const res = await sys.request('POST', '/v1/events', tenant.token, { action: 'JIT_APPROVED' });
  expect(res.status).toBe(202);
  const rows = await sys.db.sql((tx) => tx.query<{ id: string }>('SELECT id FROM delivery WHERE event_id = $1', [res.body.id]), tenant.tenantId);
  return rows.rows[0]!.id;
}

const stateOf = async (id: string) =>
  (await sys.db.sql((tx) => tx.query<{ state: string; attempts: number }>('SELECT state, attempts FROM delivery WHERE id = $1', [id]), tenant.tenantId)).rows[0];
const attemptsOf = async (id: string) =>
  (await sys.db.sql((tx) => tx.query<{ outcome: string; status_code: number }>('SELECT outcome, status_code FROM delivery_attempt WHERE delivery_id = $1', [id]), tenant.tenantId)).rows;

/** The store's group commit lanes (rounds in flight at once). */
const LANES = 2;

/**
 * A store whose first `LANES` rounds wait for `release`, so that what is submitted meanwhile
 * shares the next one; it counts its rounds.
 */
function heldStore() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const counted = {
    rounds: 0,
    perTenant(...args: Parameters<Database['perTenant']>) {
      counted.rounds += 1;
      return (counted.rounds <= LANES ? gate : Promise.resolve()).then(() => sys.db.perTenant(...args));
    },
  };
  const store = new DeliveryStore(counted as unknown as Database, 30_000, retryPoliciesOf(sys.config), { openAfterMs: 60_000 });
  return { store, counted, release };
}

const deliveredRecord = (attempt: number, policy: AttemptRecord['retry']['policy']): AttemptRecord => ({
  sinkId,
  attempt,
  startedAt: new Date(),
  durationMs: 3,
  outcome: { kind: 'delivered', status: 200 },
  next: { state: 'delivered' },
  retry: { policy, until: new Date(Date.now() + 60_000) },
});

test('a claim and a record submitted together share one transaction, each with its own answer', async () => {
  const heads = [await delivery(), await delivery()];
  const [second, third] = [await delivery(), await delivery()];
  const { store, counted, release } = heldStore();
  const held = heads.map((id) => store.claim(tenant.tenantId, id)); // one in each lane, held
  const claimed = store.claim(tenant.tenantId, second);
  const policy = retryPoliciesOf(sys.config).medium;
  const recorded = store.record(tenant.tenantId, third, deliveredRecord(1, policy));
  release();

  for (const h of held) expect(await h).toMatchObject({ kind: 'claimed', claim: { attempt: 1, sink: { id: sinkId } } });
  expect(await claimed).toMatchObject({ kind: 'claimed', claim: { attempt: 1, sink: { id: sinkId }, event: { action: 'JIT_APPROVED' } } });
  expect(await recorded).toEqual({});
  expect(counted.rounds).toBe(LANES + 1);
  expect(await stateOf(second)).toEqual({ state: 'in_flight', attempts: 1 });
  expect(await stateOf(third)).toMatchObject({ state: 'delivered' });
  expect(await attemptsOf(third)).toEqual([{ outcome: 'delivered', status_code: 200 }]);
});

test('a claim that ends its round and finds the sink disabled holds the delivery and gives its attempt back', async () => {
  const id = await delivery();
  // Disabled behind the delivery's back (the admin API would hold its pending deliveries at
  // once): the race in which a sink is disabled while its delivery is on its way to a worker.
  const enable = (on: boolean) => sys.db.sql((tx) => tx.query('UPDATE event_sink SET enabled = $2 WHERE id = $1', [sinkId, on]), tenant.tenantId);
  await enable(false);
  try {
    const { store, counted, release } = heldStore();
    release();
    expect(await store.claim(tenant.tenantId, id)).toEqual({ kind: 'held' });
    expect(counted.rounds).toBe(1);
    expect(await stateOf(id)).toEqual({ state: 'held', attempts: 0 });
  } finally {
    await enable(true);
  }
});
