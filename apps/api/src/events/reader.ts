import { AUDIT_EVENT_COLUMNS, Prisma, RECORD_JSON_TYPES, committing, eventRecordJson, type AuditEventTextRow, type Database, type SqlTx } from '@tocsin/db';
import type { CursorState, Position } from './cursor.js';
import type { Window } from './query.js';

/**
 * The read side of the Events API. Order is (txid, seq): the inserting transaction's id, then
 * insertion order inside it. A read only returns rows whose txid is below the snapshot's xmin
 * (every transaction below it has ended), so a transaction still open can never be overtaken by
 * a cursor: when it commits, its rows sort after every position handed out while it was open.
 * The whole argument, and the query plans, are in docs/events-api.md.
 */

/** Longest one statement of a page read may run (ms); a page is an index scan of `limit` rows. */
const PAGE_STATEMENT_MAX_MS = 10_000;

/** Default bound on how long an inserting transaction lasts (ingest uses a 5 s timeout). */
export const DEFAULT_SETTLE_MS = 10_000;

export interface ReadOptions {
  /**
   * Bound on an ingest transaction's duration. received_at is the transaction's start, so a
   * window whose `to` is later than now() - settleMs may still receive rows.
   */
  settleMs: number;
}

export interface Page {
  /** Each record's JSON (eventRecordJson): written out as they are, never parsed on the way. */
  records: string[];
  /** Where to continue; null only when the window is closed and every row of it was returned. */
  next: CursorState | null;
}

type Row = AuditEventTextRow & { pos_txid: string; pos_seq: string };

/** Runs a Prisma.sql query on the raw connection: Prisma's row conversion cost more than the read. */
async function rows<T>(tx: SqlTx, query: Prisma.Sql): Promise<T[]> {
  return (await tx.query({ text: query.text, values: query.values })).rows as T[];
}

const at = (d: Date) => Prisma.sql`${d.toISOString()}::timestamptz`;

function inWindow(w: Window): Prisma.Sql {
  return Prisma.sql`${w.from ? Prisma.sql`AND received_at >= ${at(w.from)}` : Prisma.empty} ${w.to ? Prisma.sql`AND received_at < ${at(w.to)}` : Prisma.empty}`;
}

function minTxid(a: string, b: string): string {
  return BigInt(a) <= BigInt(b) ? a : b;
}

function later(a: Position, b: Position): Position {
  const [ta, tb] = [BigInt(a.txid), BigInt(b.txid)];
  return ta > tb || (ta === tb && BigInt(a.seq) >= BigInt(b.seq)) ? a : b;
}

/**
 * The barrier, read first: every transaction with a txid below it has ended, so its rows are
 * visible to every later statement too (this transaction may be READ COMMITTED).
 *
 * The same round trip turns sorting off for this transaction. A page must be an ordered scan of
 * (tenant_id, txid, seq) from the cursor; left alone, the planner multiplies the selectivities of
 * the txid range and the received_at window as if they were independent (they are almost the
 * same condition), and picks a bitmap scan of the whole window plus a top-N sort on every page.
 */
async function barrier(tx: SqlTx): Promise<{ xmin: string; now: Date }> {
  const { rows: [row] } = await tx.query<{ xmin: string; now: Date }>(
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, now() AS now, set_config('enable_sort', 'off', true) AS _",
  );
  return row!;
}

/**
 * Where a window's first page starts. The smallest txid in the window is found from the
 * (tenant_id, received_at) index: a transaction gets its txid after it starts (received_at) and
 * before it ends (within settle), so among visible rows the smallest txid belongs to a row
 * received within settle of the window's earliest row. Rows of transactions still open have
 * txid >= xmin, hence the min with xmin.
 */
async function startOf(tx: SqlTx, tenantId: string, window: Window, xmin: string, settleMs: number): Promise<Position> {
  if (!window.from) return { txid: '0', seq: '0' };
  const [edge] = await rows<{ at: Date | null }>(tx, edgeSql(tenantId, window, 'min'));
  if (!edge?.at) return { txid: xmin, seq: '0' };
  const until = edge.at.getTime() + settleMs;
  const span = { from: edge.at, to: window.to && window.to.getTime() < until ? window.to : new Date(until) };
  const [row] = await rows<{ txid: string | null }>(tx, txidInSql(tenantId, span, 'min'));
  return { txid: row?.txid ? minTxid(row.txid, xmin) : xmin, seq: '0' };
}

/**
 * The largest txid in a closed window (all its transactions have ended), symmetric to startOf:
 * it belongs to a row received within settle of the window's last row. Null when the window
 * holds no row at all.
 */
async function highest(tx: SqlTx, tenantId: string, window: Window, settleMs: number): Promise<string | null> {
  const [edge] = await rows<{ at: Date | null }>(tx, edgeSql(tenantId, window, 'max'));
  if (!edge?.at) return null;
  const since = edge.at.getTime() - settleMs;
  const span = { from: window.from && window.from.getTime() > since ? window.from : new Date(since), to: new Date(edge.at.getTime() + 1) };
  const [row] = await rows<{ txid: string | null }>(tx, txidInSql(tenantId, span, 'max'));
  return row?.txid ?? null;
}

/** The first or last received_at in the window: one step of an index-only scan. */
export function edgeSql(tenantId: string, window: Window, end: 'min' | 'max'): Prisma.Sql {
  return Prisma.sql`SELECT ${Prisma.raw(end)}(received_at) AS at FROM audit_event WHERE tenant_id = ${tenantId}::uuid ${inWindow(window)}`;
}

/**
 * min/max(txid) over a span of received_at a few seconds long. The bounds are literals, so they
 * are index conditions on (tenant_id, received_at). MATERIALIZED keeps the planner from turning
 * min(txid) into "ORDER BY txid LIMIT 1" on the txid index, which would filter received_at row
 * by row through the tenant's history before the span.
 */
export function txidInSql(tenantId: string, span: Window, end: 'min' | 'max'): Prisma.Sql {
  return Prisma.sql`
    WITH span AS MATERIALIZED (SELECT txid FROM audit_event WHERE tenant_id = ${tenantId}::uuid ${inWindow(span)})
    SELECT ${Prisma.raw(end)}(txid)::text AS txid FROM span`;
}

/** A page: an ordered scan of (tenant_id, txid, seq) from the position, bounded by xmin (and hi). */
export function pageSql(tenantId: string, window: Window, after: Position, xmin: string, hi: string | null, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT ${Prisma.raw(AUDIT_EVENT_COLUMNS)}, txid::text AS pos_txid, seq::text AS pos_seq
      FROM audit_event
     WHERE tenant_id = ${tenantId}::uuid
       AND (txid, seq) > (${after.txid}::xid8, ${after.seq}::bigint)
       AND txid < ${xmin}::xid8
       ${hi === null ? Prisma.empty : Prisma.sql`AND txid <= ${hi}::xid8`}
       ${inWindow(window)}
     ORDER BY txid, seq
     LIMIT ${limit}`;
}

/**
 * One page: up to `limit` rows after the cursor's position (or from the window's start), in one
 * short tenant transaction (row-level security scopes every read). Its statements are bounded by
 * PAGE_STATEMENT_MAX_MS: a read gone wrong fails with an error instead of holding a connection.
 * Its TimeZone is UTC, so PostgreSQL writes timestamps in the form isoTimestamp rewrites cheaply.
 */
export async function readPage(db: Database, tenantId: string, from: CursorState | Window, limit: number, options: ReadOptions): Promise<Page> {
  return db.sql(async (tx) => {
    const { xmin, now } = await barrier(tx);
    const state = 'after' in from ? from : { window: from, after: await startOf(tx, tenantId, from, xmin, options.settleMs), hi: null };
    const { window } = state;
    // Closed: every transaction that could add a row with received_at < to has ended.
    const closed = window.to !== null && window.to.getTime() <= now.getTime() - options.settleMs;
    let hi = state.hi;
    if (closed && hi === null) {
      hi = await highest(tx, tenantId, window, options.settleMs);
      if (hi === null) return { records: [], next: null };
    }
    // The transaction's last statement: its COMMIT goes in the same write, costing no round trip.
    const query = pageSql(tenantId, window, state.after, xmin, hi, limit);
    const page = (await committing(tx, { text: query.text, values: query.values, types: RECORD_JSON_TYPES })).rows as Row[];
    const last = page.at(-1);
    const lastPos = last ? { txid: last.pos_txid, seq: last.pos_seq } : state.after;
    if (page.length < limit) {
      // Every row of the window below the barrier has been returned.
      if (closed && hi !== null && BigInt(xmin) > BigInt(hi)) return { records: page.map(eventRecordJson), next: null };
      // Nothing below xmin is left, so the next read may start at the barrier (not rescan to it).
      return { records: page.map(eventRecordJson), next: { window, after: later(lastPos, { txid: xmin, seq: '0' }), hi } };
    }
    return { records: page.map(eventRecordJson), next: { window, after: lastPos, hi } };
  }, tenantId, `SET LOCAL statement_timeout = ${PAGE_STATEMENT_MAX_MS}; SET LOCAL TimeZone = 'UTC';`);
}
