import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startReceiver, type Receiver } from '@tocsin/channels/testing';
import { OwnRedis } from '../support/redis-server.js';
import { startSystem, type System } from '../support/system.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../apps/cli/bin/tocsin.js', import.meta.url));

/** `tocsin doctor` against a running test system: one line per check, non-zero on a problem. */
let sys: System;
let receiver: Receiver;
let sink: { id: string; tenantId: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  receiver = await startReceiver();
  const { tenantId, token } = await sys.tenant('team');
  const created = await sys.request('POST', '/v1/event_sink', token, {
    name: 'SOC hook',
    event_sink_args: { Webhook: { url: receiver.url, secret: `whsec_${randomBytes(24).toString('base64')}` } },
    events: ['*'],
  });
  expect(created.status).toBe(201);
  sink = { id: created.body.event_sink.id, tenantId };
});
afterAll(async () => {
  await receiver?.close();
  await sys?.close();
});

async function doctor(overrides: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: sys.config.DATABASE_URL,
    REDIS_URL: sys.config.REDIS_URL,
    TOCSIN_QUEUE_PREFIX: sys.config.TOCSIN_QUEUE_PREFIX,
    TOCSIN_ENCRYPTION_KEY: sys.encryptionKey,
    TOCSIN_EGRESS_ALLOW: '127.0.0.0/8',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  const { code, stdout } = await run(process.execPath, [BIN, 'doctor'], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => e,
  );
  return { code, lines: stdout.trim().split('\n') };
}

const failures = (lines: string[]) => lines.filter((l) => l.startsWith('FAIL'));

test('a healthy system passes every check, one line each', async () => {
  const { code, lines } = await doctor();
  expect(failures(lines)).toEqual([]);
  expect(code).toBe(0);
  for (const check of [
    /^ok {4}database: DATABASE_URL$/,
    /^ok {4}PostgreSQL \d+.* answers at /,
    /^ok {4}migrations are current \(\d+ applied/,
    /^ok {4}role tocsin_app cannot bypass row-level security$/,
    /^ok {4}row-level security is enabled and forced on all \d+ tables$/,
    /^ok {4}connections switch to role tocsin_app$/,
    /^ok {4}queue store: Redis \(REDIS_URL is set\)$/,
    /^ok {4}Redis answers at redis:\/\/127\.0\.0\.1:6379/,
    /^ok {4}Redis maxmemory-policy is noeviction$/,
    /^ok {4}encryption key present: TOCSIN_ENCRYPTION_KEY \(key id [0-9a-f]{12}\)$/,
    /^ok {4}egress guard: sinks may reach public addresses and TOCSIN_EGRESS_ALLOW 127\.0\.0\.0\/8$/,
    /^ok {4}the encryption key decrypts the secrets of all 1 sinks that have any$/,
    /^ok {4}every enabled sink's destination resolves and is allowed \(1 sinks, 1 URLs\)$/,
  ]) expect(lines).toContainEqual(expect.stringMatching(check));
  expect(lines.at(-1)).toBe('doctor: no problem found');
});

test('with the queues in PostgreSQL it says so and checks their schema, which `tocsin migrate` creates', async () => {
  const before = await doctor({ TOCSIN_QUEUE: 'postgres' });
  expect(before.code).toBe(1);
  expect(failures(before.lines)).toEqual([expect.stringMatching(/^FAIL  queue store: PostgreSQL \(TOCSIN_QUEUE is set\), but its schema bullmq is not readable: .*tocsin migrate/)]);
  expect(before.lines.join('\n')).not.toContain('Redis answers');
  await run(process.execPath, [BIN, 'migrate'], { env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: sys.config.DATABASE_URL, TOCSIN_QUEUE: 'postgres', LOG_LEVEL: 'silent' } });
  const after = await doctor({ TOCSIN_QUEUE: 'postgres' });
  expect(failures(after.lines)).toEqual([]);
  expect(after.lines).toContainEqual(expect.stringMatching(/^ok {4}queue store: PostgreSQL, schema bullmq at version \d+ in the database \(TOCSIN_QUEUE is set\)$/));
});

test('a wrong encryption key fails, naming the sink it cannot open', async () => {
  const { code, lines } = await doctor({ TOCSIN_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  expect(code).toBe(1);
  expect(failures(lines)).toEqual([
    expect.stringContaining('the encryption key does not open 1 of 1 sinks with secrets'),
    `FAIL  sink "SOC hook" (${sink.id}, tenant ${sink.tenantId}): its secrets do not decrypt with this key`,
  ]);
});

test('Redis down fails, naming where it looked; the other checks still run', async () => {
  const redis = await OwnRedis.start();
  await redis.stop();
  const { code, lines } = await doctor({ REDIS_URL: redis.url });
  expect(code).toBe(1);
  expect(failures(lines)).toEqual([expect.stringMatching(new RegExp(`^FAIL  Redis does not answer at redis://127\\.0\\.0\\.1:${redis.port}.*ECONNREFUSED`))]);
  expect(lines).toContainEqual(expect.stringMatching(/^ok {4}migrations are current/));
});

test('a Redis that may evict fails, naming its policy', async () => {
  const redis = await OwnRedis.start({ args: ['--maxmemory-policy', 'allkeys-lru'] });
  try {
    const { code, lines } = await doctor({ REDIS_URL: redis.url });
    expect(code).toBe(1);
    expect(failures(lines)).toEqual([expect.stringContaining('Redis maxmemory-policy is allkeys-lru')]);
  } finally {
    await redis.stop();
  }
});

test("a sink whose host no longer resolves fails, naming the sink and the host but not the URL", async () => {
  const host = `gone-${randomBytes(4).toString('hex')}.invalid`;
  const { tenantId, token } = await sys.tenant('team');
  const created = await sys.request('POST', '/v1/event_sink', token, { name: 'old hook', event_sink_args: { Webhook: { url: receiver.url } }, events: ['*'] });
  expect(created.status).toBe(201);
  // Saved while it resolved; the name has gone since (the api refuses such a URL at save).
  await sys.db.withTenant(tenantId, (tx) => tx.eventSink.update({ where: { id: created.body.event_sink.id }, data: { config: { url: `https://${host}/hook?key=s3cr3t` } } }));
  try {
    const { code, lines } = await doctor();
    expect(code).toBe(1);
    expect(failures(lines)).toEqual([expect.stringMatching(new RegExp(`^FAIL  sink "old hook" \\(${created.body.event_sink.id}, tenant ${tenantId}\\): its destination host ${host.replace('.', '\\.')} does not resolve`))]);
    expect(lines.join('\n')).not.toContain('s3cr3t');
  } finally {
    await sys.db.withTenant(tenantId, (tx) => tx.eventSink.delete({ where: { id: created.body.event_sink.id } }));
  }
});

test('an unreachable database fails and the checks that need it say they were skipped', async () => {
  const url = new URL(sys.config.DATABASE_URL);
  url.port = String((await OwnRedis.start().then(async (r) => (await r.stop(), r.port))));
  const { code, lines } = await doctor({ DATABASE_URL: url.toString() });
  expect(code).toBe(1);
  expect(lines[1]).toMatch(/^FAIL  PostgreSQL does not answer at postgresql:\/\/.*ECONNREFUSED/);
  expect(lines).toContainEqual(expect.stringMatching(/^skip  sink secrets and destinations: not checked/));
});
