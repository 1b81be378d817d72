import { createDecipheriv } from 'node:crypto';
import { startReceiver } from '@tocsin/channels/testing';
import { databaseDump, queueDump } from '../support/leaks.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * A planted secret must appear nowhere in clear: not in PostgreSQL, not in Redis (job data),
 * not in a log line, not in an API response — while it is really used to sign deliveries, and
 * through a failure path too (the receiver answers 500 and echoes the request).
 */
const SECRET = 'whsec_UGxhbnRlZFNlY3JldFBsYW50ZWRTZWNyZXQxMjM0';
const SECRET_BODY = 'UGxhbnRlZFNlY3JldFBsYW50ZWRTZWNyZXQxMjM0';

let sys: System;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.close());

function expectClean(where: string, text: string): void {
  expect({ where, leaked: text.includes(SECRET_BODY) }).toEqual({ where, leaked: false });
}

test('a planted sink secret appears nowhere in clear', async () => {
  const receiver = await startReceiver();
  try {
    receiver.script({ status: 500, body: 'upstream broke' }, { status: 200 });
    const { tenantId, token } = await sys.tenant('team');
    const created = await sys.request('POST', '/v1/event_sink', token, {
      name: 'leak check',
      event_sink_args: { Webhook: { url: receiver.url, secret: SECRET } },
      // Its own action only: with `*` the sink may also receive its own EVENT_SINK_CREATED.
      events: ['HONEYTOKEN_TRIPPED'],
    });
    expect(created.status).toBe(201);
    expect(created.body.event_sink.configuration.Webhook.secret).toBe('[REDACTED]');
    expectClean('create response', JSON.stringify(created.body));
    expectClean('get response', JSON.stringify((await sys.request('GET', `/v1/event_sink/${created.body.event_sink.id}`, token)).body));
    expectClean('list response', JSON.stringify((await sys.request('GET', '/v1/event_sink', token)).body));

    const posted = await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' });
    expect(posted.status).toBe(202);

    // Read the queue store while the retry is still scheduled: job data is all there is.
    const keys = await eventually(async () => {
      const dump = await queueDump(sys.config);
      return dump.size > 0 ? dump : undefined;
    });
    for (const [key, text] of keys) expectClean(`queue ${key}`, text);

    await eventually(async () => {
      const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirst({ where: { eventId: posted.body.id } }));
      return d?.state === 'delivered' ? d : undefined;
    });
    // The secret was really used: the receiver got signed requests.
    expect(receiver.requests.length).toBe(2);
    expect(receiver.requests[0]!.headers['webhook-signature']).toMatch(/^v1,/);

    // Again after the failure and the retry: BullMQ's events (Redis streams read with XRANGE, or
    // PostgreSQL's bullmq.event) now hold the failed attempt's reason and the finished job.
    const after = await queueDump(sys.config);
    const events = [...after].filter(([key, text]) => (key.endsWith(':events') || key === 'bullmq.event') && text.length > 2);
    expect(events.length).toBeGreaterThan(0);
    for (const [key, text] of after) expectClean(`queue ${key}`, text);

    const attempts = await sys.db.withTenant(tenantId, (tx) => tx.deliveryAttempt.findMany());
    expectClean('attempt log', JSON.stringify(attempts));

    for (const [table, text] of await databaseDump(sys.config.DATABASE_URL)) expectClean(`postgres ${table}`, text);
    expect(sys.logs.length).toBeGreaterThan(0);
    expectClean('logs', sys.logs.join(''));
  } finally {
    await receiver.close();
  }
});

/**
 * The stored secret is readable with plain node:crypto by the documented format
 * (`v1.<key id>.<iv>.<tag>.<data>`, base64url, AES-256-GCM, additional data `tenant/sink/field`)
 * and the deployment's key — not only by our own SecretBox — and two sinks saved with one secret
 * store two different ciphertexts.
 */
test('a stored secret decrypts by the documented format, and one secret saved twice is stored twice differently', async () => {
  const { tenantId, token } = await sys.tenant('team');
  const ids: string[] = [];
  for (const name of ['one', 'two']) {
    const res = await sys.request('POST', '/v1/event_sink', token, { name, event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook', secret: SECRET } } });
    expect(res.status).toBe(201);
    ids.push(res.body.event_sink.id);
  }
  const stored = await Promise.all(
    ids.map(async (id) => (await sys.db.withTenant(tenantId, (tx) => tx.eventSink.findUniqueOrThrow({ where: { id } }))).config as Record<string, string>),
  );
  const key = Buffer.from(sys.encryptionKey, 'base64');
  const open = (ciphertext: string, aad: string) => {
    const [version, , iv, tag, data] = ciphertext.split('.');
    expect(version).toBe('v1');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data!, 'base64url')), decipher.final()]).toString('utf8');
  };
  expect(stored.map((c, i) => open(c.secret!, `${tenantId}/${ids[i]}/secret`))).toEqual([SECRET, SECRET]);
  expect(stored[0]!.secret).not.toBe(stored[1]!.secret);
  // Bound to its row: the first sink's ciphertext does not open as the second's.
  expect(() => open(stored[0]!.secret!, `${tenantId}/${ids[1]}/secret`)).toThrow();
});
