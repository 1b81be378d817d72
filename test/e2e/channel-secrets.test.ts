import { channels, type AnyChannel } from '@tocsin/channels';
import { fixtureOf, startReceiver, type Receiver } from '@tocsin/channels/testing';
import { databaseDump, redisDump } from '../support/leaks.js';
import { eventually, startSystem, type System } from '../support/system.js';

/**
 * For every registered channel, through the whole system: a sink made with the channel's
 * conformance fixture, a failed attempt and then a delivery. None of the fixture's secrets may
 * appear in an API response, a log line, an attempt row, any table or a Redis key.
 */
const all = Object.values(channels) as AnyChannel[];

let sys: System;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  const settings = Object.assign({}, ...(await Promise.all(all.map(async (c) => (await fixtureOf(c)).settings ?? {}))));
  sys = await startSystem({ config: settings as Partial<System["config"]> });
});
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
});

describe.each(all)('$id', (channel) => {
  test('its secrets appear nowhere in clear, through a failure and a delivery', async () => {
    const fixture = await fixtureOf(channel);
    receiver.reset();
    for (const [path, handler] of Object.entries(fixture.routes ?? {})) receiver.route(path, handler);
    receiver.script({ status: 500, body: 'upstream broke' }, { status: 200, ...(fixture.successBody === undefined ? {} : { body: fixture.successBody }) });
    const config = fixture.validConfig(receiver.url);
    const secrets = fixture.secretValues(config).filter((s) => s.length > 0);
    expect(secrets.length).toBeGreaterThan(0);
    const expectClean = (where: string, text: string) => {
      for (const secret of secrets) expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    };

    const { tenantId, token } = await sys.tenant('enterprise');
    const created = await sys.request('POST', '/v1/event_sink', token, { name: `${channel.id} leak check`, event_sink_args: { [channel.sinkType]: config }, events: ['CREDENTIAL_EXPOSURE_DETECTED'] });
    expect(created.status).toBe(201);
    expectClean('create response', JSON.stringify(created.body));
    expectClean('get response', JSON.stringify((await sys.request('GET', `/v1/event_sink/${created.body.event_sink.id}`, token)).body));

    const posted = await sys.request('POST', '/v1/events', token, { action: 'CREDENTIAL_EXPOSURE_DETECTED', severity: 'critical' });
    expect(posted.status).toBe(202);
    const delivery = await eventually(async () => {
      const d = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findFirst({ where: { eventId: posted.body.id } }));
      return d?.state === 'delivered' ? d : undefined;
    });
    expect(delivery.channel).toBe(channel.id);

    const attempts = await sys.db.withTenant(tenantId, (tx) => tx.deliveryAttempt.findMany({ where: { deliveryId: delivery.id }, orderBy: { attempt: 'asc' } }));
    expect(attempts.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
    expectClean('attempt log', JSON.stringify(attempts));
    for (const [key, text] of await redisDump(sys.config.REDIS_URL, sys.config.TOCSIN_QUEUE_PREFIX)) expectClean(`redis ${key}`, text);
    for (const [table, text] of await databaseDump(sys.config.DATABASE_URL)) expectClean(`postgres ${table}`, text);
    expectClean('logs', sys.logs.join(''));
  });
});
