/**
 * Events PostgreSQL refuses, sent straight to the Ingestor: the API's validation refuses them
 * before they get this far, but the group commit must not depend on it. One tenant's refused
 * events cost the other tenants in the same transaction nothing, and their sender gets a 400.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { Database } from '@tocsin/db';
import { createLogger } from '@tocsin/config';
import { INGEST_TX_MAX_MS, Ingestor } from '../../apps/api/src/ingest/service.js';
import { SinkCache } from '../../apps/api/src/sinks/cache.js';
import { ApiError } from '../../apps/api/src/errors.js';
import type { EventInput } from '../../apps/api/src/ingest/schema.js';
import { startSystem, TestProducer, type System } from '../support/system.js';

let sys: System;
let db: Database;
let producer: TestProducer;
let a: { tenantId: string; token: string };
let b: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  a = await sys.tenant('team');
  b = await sys.tenant('team');
  db = new Database({ url: sys.config.DATABASE_URL, role: sys.config.TOCSIN_DB_ROLE, poolSize: 10 });
  producer = new TestProducer(sys.config);
});
afterAll(async () => {
  await producer?.close();
  await db?.close();
  await sys?.close();
});

/** The Ingestor's group commit lanes (transactions in flight at once). */
const LANES = 2;

const quiet = createLogger('silent', {}, new Writable({ write: (_c, _e, done) => done() }));

/**
 * An Ingestor that counts the transactions it opens, and notes the tenant each one begins with
 * (the first written). After `hold(n)`, its next `n` transactions wait for the release `hold`
 * returns, so that everything submitted meanwhile queues up and shares the transaction after them.
 */
function countingIngestor() {
  let gate = Promise.resolve();
  let held = 0;
  const counted = {
    transactions: 0,
    firstTenants: [] as (string | undefined)[],
    sql<T>(...args: Parameters<Database['sql']>): Promise<T> {
      counted.transactions += 1;
      counted.firstTenants.push(args[1]);
      const wait = held > 0 ? gate : Promise.resolve();
      held = Math.max(0, held - 1);
      return wait.then(() => db.sql(...args)) as Promise<T>;
    },
  };
  const hold = (n: number) => {
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    held = n;
    return release;
  };
  const ingestor = new Ingestor({ db: counted as unknown as Database, cache: new SinkCache(5_000), producer, logger: quiet, relayGraceMs: 60_000 });
  return { ingestor, counted, hold };
}

const event = (detail: Record<string, unknown> = {}): EventInput => ({ action: 'JIT_APPROVED', severity: undefined, detail }) as EventInput;
const count = (tenantId: string) => sys.db.withTenant(tenantId, (tx) => tx.auditEvent.count());
const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));

/**
 * Four submissions queued behind held lanes so that they share one transaction: tenant A's two and
 * tenant B's two (one of them poison), the poisoned tenant's first in the order `poisoned` says.
 * Tenants are written in order of their first submission, except those refused lately, which go
 * first. Answers the transactions the round took, the held ones included.
 */
async function sharedRound(poisoned: 'first' | 'last', { ingestor, counted, hold } = countingIngestor()) {
  const release = hold(LANES);
  const before = counted.transactions;
  const [beforeA, beforeB] = [await count(a.tenantId), await count(b.tenantId)];
  // One submission in each lane, held; the next four queue up and share one transaction.
  const heads = Array.from({ length: LANES }, () => ingestor.ingest(a.tenantId, [event()]));
  const good = () => settle(ingestor.ingest(a.tenantId, [event({ n: 1 })]));
  const poison = () => settle(ingestor.ingest(b.tenantId, [event({ note: 'nul \u0000 here' })]));
  const [first, second] = poisoned === 'first' ? [poison(), good()] : [good(), poison()];
  const a2 = settle(ingestor.ingest(a.tenantId, [event({ n: 2 }), event({ n: 3 })]));
  const bGood = settle(ingestor.ingest(b.tenantId, [event({ fine: true })]));
  const [refused, a1] = poisoned === 'first' ? [first, second] : [second, first];
  release();
  await Promise.all(heads);

  expect(await a1).toEqual({ value: [expect.objectContaining({ duplicate: false })] });
  expect(await a2).toEqual({ value: [expect.objectContaining({ duplicate: false }), expect.objectContaining({ duplicate: false })] });
  expect(await bGood).toEqual({ value: [expect.objectContaining({ duplicate: false })] });
  const { error } = (await refused) as { error: ApiError };
  expect(error).toBeInstanceOf(ApiError);
  expect([error.status, error.code]).toEqual([400, 'invalid_request']);
  expect(error.details.map((d) => d.path)).toContain('detail');
  expect([await count(a.tenantId), await count(b.tenantId)]).toEqual([beforeA + LANES + 3, beforeB + 1]);
  return counted.transactions - before;
}

test("a tenant's refused event in a shared transaction costs the other tenant no retry, and its own good events at most one", async () => {
  // The held ones + 1 shared; then tenant B's two submissions, which failed together, alone once
  // each. Tenant A's part, behind B's savepoint's rollback, was committed by the shared transaction.
  expect(await sharedRound('first')).toBe(LANES + 1 + 2);
});

test("written last, a tenant's first refused event costs the round one retry each; after that the tenant is written first, and costs the other none", async () => {
  const ingestor = countingIngestor();
  // B's statement went with the COMMIT, so its failure rolled back A's part too: each of the
  // four submissions is retried alone.
  expect(await sharedRound('last', ingestor)).toBe(LANES + 1 + 4);
  // B is written first now, behind its savepoint, and A's statement carries the COMMIT.
  expect(await sharedRound('last', ingestor)).toBe(LANES + 1 + 2);
});

test('a tenant refused behind its savepoint is remembered too: next round it is written first, though the other tenant submitted first', async () => {
  const ingestor = countingIngestor();
  expect(await sharedRound('first', ingestor)).toBe(LANES + 1 + 2);
  const start = ingestor.counted.transactions;
  expect(await sharedRound('last', ingestor)).toBe(LANES + 1 + 2);
  // The shared transaction, after the held ones, began with B: A's statement was last, with the COMMIT.
  expect(ingestor.counted.firstTenants[start + LANES]).toBe(b.tenantId);
});

test('a refused submission alone in its transaction is answered at once, with no retry', async () => {
  const { ingestor, counted } = countingIngestor();
  const before = await count(b.tenantId);
  const result = await settle(ingestor.ingest(b.tenantId, [{ action: 'JIT_APPROVED', occurred_at: '+275760-09-13T00:00:00Z' } as EventInput]));
  const error = (result as { error: ApiError }).error;
  expect(error).toBeInstanceOf(ApiError);
  expect(error.status).toBe(400);
  expect(error.details).toEqual([expect.objectContaining({ path: 'occurred_at' })]);
  expect(counted.transactions).toBe(1);
  expect(await count(b.tenantId)).toBe(before);
});

test('a refused event in a batch names the field in every event and stores none of the batch', async () => {
  const { ingestor } = countingIngestor();
  const before = await count(a.tenantId);
  const result = await settle(ingestor.ingest(a.tenantId, [event({ ok: 1 }), { action: 'JIT_APPROVED', actor: { id: 'u\u0000' } } as EventInput]));
  const error = (result as { error: ApiError }).error;
  expect(error.status).toBe(400);
  expect(error.details.map((d) => d.path)).toContain('events.*.actor');
  expect(await count(a.tenantId)).toBe(before);
});

test('a transaction that cannot end within its time bound is answered 503, and stores nothing', async () => {
  const { ingestor } = countingIngestor();
  const before = await count(a.tenantId);
  // Another session holds a lock that every insert into audit_event waits for.
  const blocker = new pg.Client({ connectionString: sys.config.DATABASE_URL });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE audit_event IN SHARE MODE');
    const started = Date.now();
    const result = await settle(ingestor.ingest(a.tenantId, [event({ late: true })]));
    const error = (result as { error: ApiError }).error;
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code]).toEqual([503, 'unavailable']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(INGEST_TX_MAX_MS - 100);
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
  expect(await count(a.tenantId)).toBe(before);
});
