import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Receiver } from '@tocsin/channels/testing';
import type { System } from '../support/system.js';

export const ACTION = 'HONEYTOKEN_TRIPPED';

/** One line of the accounting table. */
export interface Row {
  scenario: string;
  accepted: number;
  delivered: number;
  duplicates: number;
  lost: number;
  measured?: string;
  ok: boolean;
  /** The test file that recorded it (set by `record`): the reporter marks the row FAIL if the file failed. */
  file?: string;
}

/** Writes the scenario's row for reporter.js (and prints it, so a single file run shows it too). */
export async function record(row: Row): Promise<void> {
  row = { ...row, file: expect.getState().testPath ?? '' };
  process.stdout.write(`chaos: ${JSON.stringify(row)}\n`);
  const dir = process.env.TOCSIN_CHAOS_RESULTS;
  if (dir) await writeFile(join(dir, `${row.scenario.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(row));
}

export async function webhookSink(sys: System, token: string, url: string): Promise<string> {
  const res = await sys.request('POST', '/v1/event_sink', token, { name: 'chaos', event_sink_args: { Webhook: { url } }, events: [ACTION] });
  if (res.status !== 201) throw new Error(`sink: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.event_sink.id;
}

/** Deliveries of a tenant by state, from PostgreSQL (the truth). */
export async function states(sys: System, tenantId: string): Promise<Record<string, number>> {
  const rows = await sys.db.withTenant(tenantId, (tx) => tx.delivery.groupBy({ by: ['state'], _count: true }));
  return Object.fromEntries(rows.map((r) => [r.state, r._count]));
}

export async function deliveryIds(sys: System, tenantId: string): Promise<string[]> {
  const rows = await sys.db.withTenant(tenantId, (tx) => tx.delivery.findMany({ select: { id: true } }));
  return rows.map((r) => r.id);
}

/**
 * The receiver's side of the accounting: copies per webhook-id, and for each event id (in the
 * body) the set of webhook-ids it came under (a duplicate must reuse the first copy's id).
 */
export function received(receiver: Receiver) {
  const copies = new Map<string, number>();
  const idsPerEvent = new Map<string, Set<string>>();
  for (const r of receiver.requests) {
    const webhookId = String(r.headers['webhook-id']);
    copies.set(webhookId, (copies.get(webhookId) ?? 0) + 1);
    const eventId = String((JSON.parse(r.body.toString()) as { id?: string }).id);
    const set = idsPerEvent.get(eventId) ?? new Set<string>();
    set.add(webhookId);
    idsPerEvent.set(eventId, set);
  }
  const duplicates = receiver.requests.length - copies.size;
  const eventsUnderTwoIds = [...idsPerEvent.values()].filter((s) => s.size > 1).length;
  return { copies, unique: copies.size, duplicates, eventsUnderTwoIds };
}

/**
 * The accounting identity for one tenant: every delivery row PostgreSQL holds is delivered and
 * reached the receiver; lost = rows (accepted) that never arrived.
 */
export async function account(sys: System, tenantId: string, receiver: Receiver) {
  const ids = await deliveryIds(sys, tenantId);
  const got = received(receiver);
  const lost = ids.filter((id) => !got.copies.has(id)).length;
  const st = await states(sys, tenantId);
  return { accepted: ids.length, delivered: st.delivered ?? 0, lost, states: st, ...got };
}

/** Runs `fn` on `concurrency` lanes until `until()` is true; returns every status. */
export async function lanes(concurrency: number, until: () => boolean, fn: () => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) statuses.push(await fn());
    }),
  );
  return statuses;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Status histogram, e.g. `{202: 590, 503: 10}`. */
export function histogram(statuses: number[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const s of statuses) h[s] = (h[s] ?? 0) + 1;
  return h;
}
