import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { eventually, startSystem, type System } from '../support/system.js';
import { WorkerProcesses, untilLogged } from '../support/worker-process.js';

/**
 * Rotation as the README tells an operator to do it: set the new key, move the old one to
 * TOCSIN_ENCRYPTION_KEYS_OLD. A sink saved under the old key keeps delivering, signed with the
 * secret it was saved with. Workers run as `tocsin worker` processes, so the keys go through the
 * real configuration path.
 */
const SECRET = 'whsec_Um90YXRpb25TZWNyZXRSb3RhdGlvblNlY3JldDE=';

let sys: System;
let receiver: Receiver;
let workers: WorkerProcesses;
let tenant: { tenantId: string; token: string };
const k2 = randomBytes(32).toString('base64');

beforeAll(async () => {
  // The api (and so every sink it saves) uses the system's key: K1.
  sys = await startSystem({ worker: false });
  receiver = await startReceiver();
  workers = new WorkerProcesses(sys);
  tenant = await sys.tenant('team');
});
afterAll(async () => {
  await workers?.killAll();
  await receiver?.close();
  await sys?.close();
});

async function post(action: string): Promise<string> {
  const res = await sys.request('POST', '/v1/events', tenant.token, { action });
  expect(res.status).toBe(202);
  return res.body.id;
}

const finished = (eventId: string) =>
  eventually(async () => {
    const d = await sys.db.withTenant(tenant.tenantId, (tx) => tx.delivery.findFirst({ where: { eventId } }));
    return d && ['delivered', 'failed'].includes(d.state) ? d : undefined;
  }, 30_000, `delivery of ${eventId} to finish`);

test('a sink saved under a key later retired into TOCSIN_ENCRYPTION_KEYS_OLD still delivers, signed with its secret', async () => {
  const sink = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'rotated', event_sink_args: { Webhook: { url: `${receiver.url}/hook`, secret: SECRET } }, events: ['SSH_CA_ROTATED', 'JIT_APPROVED'] });
  expect(sink.status).toBe(201);

  // The control: with only the new key the stored secret cannot be opened, so the delivery fails
  // (this is what the old-keys list is for, and shows the next step depends on it).
  const newOnly = workers.spawn({ TOCSIN_ENCRYPTION_KEY: k2 });
  await untilLogged(newOnly, 'worker started');
  const refused = await finished(await post('SSH_CA_ROTATED'));
  expect(refused).toMatchObject({ state: 'failed', lastErrorCode: 'invalid_config' });
  expect(receiver.requests).toHaveLength(0);
  newOnly.child.kill('SIGTERM');
  await newOnly.exited;

  const rotated = workers.spawn({ TOCSIN_ENCRYPTION_KEY: k2, TOCSIN_ENCRYPTION_KEYS_OLD: `${randomBytes(32).toString('base64')},${sys.encryptionKey}` });
  await untilLogged(rotated, 'worker started');
  const eventId = await post('JIT_APPROVED');
  expect(await finished(eventId)).toMatchObject({ state: 'delivered' });
  const [req] = receiver.requests;
  expect(new Webhook(SECRET).verify(req!.body.toString('utf8'), req!.headers as Record<string, string>)).toMatchObject({ id: eventId });
  // Neither worker wrote the secret anywhere in its log.
  expect([...newOnly.lines, ...rotated.lines].join('\n')).not.toContain(SECRET.slice('whsec_'.length));
});
