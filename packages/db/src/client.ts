import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;
/** A connection inside a raw SQL transaction (see `Database.sql`). */
export type SqlTx = pg.PoolClient;

export interface DatabaseOptions {
  url: string;
  /** The role set at connect (see the init migration): it owns nothing and cannot bypass RLS. */
  role: string;
  /** Pool size. @defaultValue 10 */
  poolSize?: number;
}

/**
 * Tocsin's access to PostgreSQL. Every tenant-owned read or write goes through `withTenant`,
 * which opens a transaction and sets `tocsin.tenant_id` for it only (set_config is_local = true,
 * so a pooled connection never carries one tenant's id into another's request). Outside it,
 * row-level security shows no tenant rows at all.
 */
export class Database {
  readonly #pool: pg.Pool;
  #prisma: PrismaClient | undefined;

  constructor(options: DatabaseOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // SET ROLE at connect: whatever user the URL names, queries run as the restricted role.
      options: `-c role=${options.role}`,
      connectionTimeoutMillis: 5_000,
      // A query is written as soon as it is made, not after the previous one's answer (queries
      // still run in order): `sql` sends BEGIN and the transaction's first statement together.
      pipeline: true,
    });
    this.#pool.on('error', () => undefined); // an idle client lost its server: the pool replaces it
  }

  /**
   * Prisma on the same pool, made on first use: its query compiler (WebAssembly) costs a process
   * about 20 MB, and the workers, which use raw SQL only, never pay it.
   */
  get prisma(): PrismaClient {
    this.#prisma ??= new PrismaClient({ adapter: new PrismaPg(this.#pool) });
    return this.#prisma;
  }

  /**
   * A raw SQL transaction on the same pool, for the hot paths (ingest, delivery state), where
   * Prisma's per-statement machinery costs more CPU than the statement. Call `sqlSetTenant`
   * before each tenant's statements (or use `Database.perTenant`), or name the first tenant here:
   * row-level security checks every statement against the tenant set at that moment. `opening`,
   * SQL text without parameters ending in `;`, runs right after BEGIN, before the tenant is set.
   */
  async sql<T>(fn: (tx: SqlTx) => Promise<T>, tenantId?: string, opening = ''): Promise<T> {
    const client = await this.#pool.connect();
    // A checked-out client whose server goes away emits 'error' on itself, not on the pool: with
    // no listener that error would be thrown as uncaught and end the process. The query in
    // progress fails with it anyway, which is where it is handled.
    client.on('error', ignore);
    try {
      // BEGIN goes with the transaction's opening statements and, with a tenant, sets it too, in
      // the round trip of the first statement of `fn`.
      const result = await pipelined(client, `BEGIN; ${opening}${tenantId === undefined ? '' : setTenantSql(client, tenantId)}`, () => fn(client));
      if (!committed.has(client)) await client.query('COMMIT');
      return result;
    } catch (err) {
      if (!committed.has(client)) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      committed.delete(client);
      client.off('error', ignore);
      client.release();
    }
  }

  /**
   * `perTenant` in a transaction of its own (a group commit's round): the first tenant is set
   * with BEGIN, each further one before its statements. `last` says the tenant is the round's
   * last, whose final statement may carry the COMMIT (`committing`).
   */
  perTenant<I extends { tenantId: string }, O>(items: readonly I[], fn: (tx: SqlTx, tenantId: string, group: I[], last: boolean) => Promise<O[]>): Promise<O[]> {
    const first = items[0]?.tenantId;
    return this.sql((tx) => perTenant(tx, items, (tenantId, group, last) => fn(tx, tenantId, group, last), first), first);
  }

  async withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT set_config('tocsin.tenant_id', ${tenantId}, true)`;
        return fn(tx);
      },
      { timeout: 10_000, maxWait: 5_000 },
    );
  }

  /**
   * Closes the pool, waiting at most `graceMs` for clients still checked out: after a PostgreSQL
   * outage a client can stay checked out for good (its query never settles), and ending the
   * pool would then wait for ever, holding up the process's shutdown. Resolves with whether the
   * pool ended in time; its connections go with the process either way.
   */
  async close(graceMs = 5_000): Promise<boolean> {
    const ending = (async () => {
      await this.#prisma?.$disconnect();
      if (!this.#pool.ended) await this.#pool.end();
      return true;
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs).unref()));
    try {
      return await Promise.race([ending, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}


const ignore = () => undefined;

/** Sets the tenant for the rest of a raw SQL transaction (is_local = true: it ends with it). */
export async function sqlSetTenant(tx: SqlTx, tenantId: string): Promise<void> {
  await tx.query("SELECT set_config('tocsin.tenant_id', $1, true)", [tenantId]);
}

/** The statement that sets the tenant, as text to send with others (the id quoted by the driver). */
export const setTenantSql = (tx: SqlTx, tenantId: string) => `SELECT set_config('tocsin.tenant_id', ${tx.escapeLiteral(tenantId)}, true)`;

/**
 * Runs `fn` with `sql` (statements without parameters) sent ahead of it and not awaited, so that
 * the first statement of `fn` goes out in the same round trip (the pool is in pipeline mode) and
 * the same write: the socket is corked while both are queued, so BEGIN (or a tenant's setting)
 * and the statement leave in one system call, not two (docs/architecture.md, Group commit: a
 * write to PostgreSQL's socket was the worker's largest single cost). Should `sql` fail, the
 * transaction is aborted and `fn` fails with it; `sql`'s error is the one thrown. It is checked
 * even when `fn` succeeds: `fn` may have sent nothing after it, and a COMMIT would then end the
 * aborted transaction quietly.
 */
export async function pipelined<T>(tx: SqlTx, sql: string, fn: () => Promise<T>): Promise<T> {
  let sent!: Promise<{ err: unknown } | undefined>;
  let running!: Promise<T>;
  corked(tx, () => {
    sent = tx.query(sql).then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    running = fn(); // its first statement is queued before fn's first await
  });
  let result: T;
  try {
    result = await running;
  } catch (err) {
    const failed = await sent;
    throw failed ? failed.err : err;
  }
  const failed = await sent;
  if (failed) throw failed.err;
  return result;
}

/** Transactions of `Database.sql` whose COMMIT went out with their last statement (`committing`). */
const committed = new WeakSet<SqlTx>();

/**
 * Sends `query` as the transaction's last statement with COMMIT behind it, in one write, so that
 * the commit costs no round trip of its own (docs/architecture.md, Group commit). For
 * `Database.sql`'s transactions only, which then send no COMMIT (or ROLLBACK) of their own;
 * nothing may follow it. If the statement fails, PostgreSQL answers the COMMIT with a rollback:
 * nothing the transaction wrote is kept, and the statement's error is thrown.
 */
export async function committing<R extends pg.QueryResultRow>(tx: SqlTx, query: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  committed.add(tx);
  let statement!: Promise<pg.QueryResult<R>>;
  let commit!: Promise<pg.QueryResult | { err: unknown }>;
  corked(tx, () => {
    statement = tx.query<R>(query);
    commit = tx.query('COMMIT').catch((err: unknown) => ({ err }));
  });
  let result: pg.QueryResult<R>;
  try {
    result = await statement;
  } finally {
    await commit; // the transaction is over either way
  }
  const ended = await commit;
  if ('err' in ended) throw ended.err;
  // A transaction aborted before the statement (by a statement sent ahead of it) fails the
  // statement too; should one not, its COMMIT must not pass for one.
  if (ended.command !== 'COMMIT') throw new Error(`the transaction ended in ${ended.command}, not COMMIT`);
  return result;
}

/** A transaction's last statement: with COMMIT behind it (`committing`) when `commit`, else alone. */
export function lastStatement<R extends pg.QueryResultRow>(tx: SqlTx, query: pg.QueryConfig, commit: boolean): Promise<pg.QueryResult<R>> {
  return commit ? committing<R>(tx, query) : tx.query<R>(query);
}

/**
 * Runs `queue`, which makes queries without awaiting, with the socket corked: what it queues
 * leaves in one system call. pg writes each query as it is made (the pool is in pipeline mode).
 */
function corked(tx: SqlTx, queue: () => void): void {
  const socket = (tx as unknown as { connection?: { stream?: { cork(): void; uncork(): void } } }).connection?.stream;
  socket?.cork();
  try {
    queue();
  } finally {
    socket?.uncork();
  }
}

/** The positions of a mixed batch's items, per tenant, tenants in order of first appearance. */
export function indexesByTenant(items: readonly { tenantId: string }[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const group = groups.get(item.tenantId);
    if (group) group.push(index);
    else groups.set(item.tenantId, [index]);
  });
  return groups;
}

/**
 * Runs `fn` once for each tenant of a mixed batch, with that tenant set, inside one raw SQL
 * transaction (group commit), and returns the results in the batch's order.
 */
async function perTenant<I extends { tenantId: string }, O>(
  tx: SqlTx,
  items: readonly I[],
  fn: (tenantId: string, group: I[], last: boolean) => Promise<O[]>,
  /** The tenant the transaction has set already (see Database.sql), if any. */
  current?: string,
): Promise<O[]> {
  const out = new Array<O>(items.length);
  const tenants = [...indexesByTenant(items)];
  for (const [n, [tenantId, indexes]] of tenants.entries()) {
    const group = () => fn(tenantId, indexes.map((i) => items[i]!), n === tenants.length - 1);
    const results = tenantId === current ? await group() : await pipelined(tx, setTenantSql(tx, tenantId), group);
    current = undefined;
    indexes.forEach((itemIndex, k) => (out[itemIndex] = results[k]!));
  }
  return out;
}
