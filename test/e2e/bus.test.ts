import pg from 'pg';
import { postgresChannel, type Bus } from '@tocsin/queue';
import { testName } from '@tocsin/db/testing';
import { TestStores } from '../support/stores.js';

/** Resolves with the next message `bus` delivers on `channel`. */
const next = (bus: Bus, channel: string) => new Promise<string>((resolve) => bus.subscribe(channel, resolve));
const connected = (bus: Bus) => new Promise<void>((resolve) => bus.onConnect(resolve));

describe.each(['redis', 'postgres'] as const)('the %s bus', (kind) => {
  const stores = new TestStores(kind);
  afterAll(() => stores.close());

  test('a message reaches every subscriber of its channel and no other channel', async () => {
    const prefix = testName('bus');
    const [a, b] = [await stores.open(prefix), await stores.open(prefix)];
    const heard: string[] = [];
    a.bus.subscribe(`${prefix}:other`, (m) => heard.push(`other ${m}`));
    const first = next(a.bus, `${prefix}:x`);
    const second = next(a.bus, `${prefix}:x`);
    await connected(a.bus);
    await b.bus.publish(`${prefix}:x`, 'hello');
    expect(await Promise.all([first, second])).toEqual(['hello', 'hello']);
    expect(heard).toEqual([]);
  });

  test('a channel name longer than an identifier still works, and still separates channels', async () => {
    const prefix = testName('bus');
    const long = `${prefix}:${'l'.repeat(80)}`;
    expect(Buffer.byteLength(postgresChannel(long))).toBeLessThanOrEqual(63);
    expect(postgresChannel(long)).not.toBe(postgresChannel(`${long}2`));
    const [a, b] = [await stores.open(prefix), await stores.open(prefix)];
    const got = next(a.bus, long);
    const other: string[] = [];
    a.bus.subscribe(`${long}2`, (m) => other.push(m));
    await connected(a.bus);
    await b.bus.publish(long, 'x'.repeat(7_000));
    expect((await got).length).toBe(7_000);
    expect(other).toEqual([]);
  });
});

test('the PostgreSQL bus listens again after its connection is killed, and says it reconnected', async () => {
  const stores = new TestStores('postgres');
  try {
    const prefix = testName('bus');
    const [a, b] = [await stores.open(prefix), await stores.open(prefix)];
    let connects = 0;
    const reconnected = new Promise<void>((resolve) => a.bus.onConnect(() => ++connects === 2 && resolve()));
    const first = next(a.bus, `${prefix}:x`);
    await connected(a.bus);
    await b.bus.publish(`${prefix}:x`, 'one');
    expect(await first).toBe('one');

    // Kill the listening backend from outside, as a failover or an idle timeout would.
    const admin = new pg.Client({ connectionString: await stores.databaseUrl() });
    await admin.connect();
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tocsin-bus' AND datname = current_database()`);
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    await reconnected;
    expect(connects).toBe(2);
    const again = next(a.bus, `${prefix}:x`);
    await b.bus.publish(`${prefix}:x`, 'two');
    expect(await again).toBe('two');
  } finally {
    await stores.close();
  }
});
