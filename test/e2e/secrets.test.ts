import pg from 'pg';
import { Redis } from 'ioredis';
import { startReceiver } from '@tocsin/channels/testing';
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
    });
    expect(created.status).toBe(201);
    expect(created.body.event_sink.configuration.Webhook.secret).toBe('[REDACTED]');
    expectClean('create response', JSON.stringify(created.body));
    expectClean('get response', JSON.stringify((await sys.request('GET', `/v1/event_sink/${created.body.event_sink.id}`, token)).body));
    expectClean('list response', JSON.stringify((await sys.request('GET', '/v1/event_sink', token)).body));

    const posted = await sys.request('POST', '/v1/events', token, { action: 'HONEYTOKEN_TRIPPED' });
    expect(posted.status).toBe(202);

    // Read Redis while the retry is still scheduled: job data is all there is.
    const redis = new Redis(sys.config.REDIS_URL);
    try {
      const keys = await eventually(async () => {
        const k = await redis.keys(`${sys.config.TOCSIN_QUEUE_PREFIX}:*`);
        return k.length > 0 ? k : undefined;
      });
      for (const key of keys) {
        const type = await redis.type(key);
        const dump =
          type === 'hash' ? JSON.stringify(await redis.hgetall(key))
          : type === 'list' ? JSON.stringify(await redis.lrange(key, '0', '-1'))
          : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1'))
          : type === 'string' ? String(await redis.get(key))
          : type === 'set' ? JSON.stringify(await redis.smembers(key))
          : '';
        expectClean(`redis ${key}`, dump);
      }
    } finally {
      redis.disconnect();
    }

    await eventually(async () => {
      const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirst({ where: { eventId: posted.body.id } }));
      return d?.state === 'delivered' ? d : undefined;
    });
    // The secret was really used: the receiver got signed requests.
    expect(receiver.requests.length).toBe(2);
    expect(receiver.requests[0]!.headers['webhook-signature']).toMatch(/^v1,/);

    const attempts = await sys.db.withTenant(tenantId, (tx) => tx.deliveryAttempt.findMany());
    expectClean('attempt log', JSON.stringify(attempts));

    // Every table, as the database owner sees it (no RLS), as text.
    const owner = new pg.Client({ connectionString: sys.config.DATABASE_URL });
    await owner.connect();
    try {
      for (const table of ['tenant', 'api_token', 'event_sink', 'audit_event', 'delivery', 'delivery_attempt']) {
        const { rows } = await owner.query(`SELECT t::text AS row FROM ${table} t`);
        expectClean(`postgres ${table}`, rows.map((r) => r.row).join('\n'));
      }
    } finally {
      await owner.end();
    }
    expect(sys.logs.length).toBeGreaterThan(0);
    expectClean('logs', sys.logs.join(''));
  } finally {
    await receiver.close();
  }
});
