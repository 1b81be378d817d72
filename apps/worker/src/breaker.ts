import type { Outcome } from '@tocsin/channels';
import type { SqlTx } from '@tocsin/db';
import { announceDisabled, type DisabledSink, type OpenReason } from './integration-disabled.js';

export type { OpenReason };

export interface BreakerOptions {
  /** A sink whose attempts have all failed for this long is disabled (TOCSIN_BREAKER_OPEN_AFTER_MS). */
  openAfterMs: number;
}

/** One recorded attempt, as the breaker sees it. */
export interface SinkAttempt {
  sinkId: string;
  delivered: boolean;
  /** The destination answered 410 Gone: the sink is disabled at once. */
  gone: boolean;
  at: Date;
}

/**
 * 410 Gone means the endpoint is not coming back: Standard Webhooks says to disable it
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
 * "Endpoint disabling"); Slack answers it for an archived channel, Teams for a deleted flow.
 * Classification keeps it a permanent `not_found` (the reasons are a closed list); the status
 * tells it from a 404, which may be a typo'd path worth failing loudly rather than a removal.
 */
export const isGone = (outcome: Outcome): boolean => outcome.kind === 'permanent' && outcome.status === 410;

/** A group's attempts per sink: delivered if any attempt of the group delivered, else failing since the earliest. */
export interface SinkRuns {
  ids: string[];
  ok: boolean[];
  /** ISO timestamps. */
  at: string[];
  failing: string[];
  gone: string[];
}

/**
 * The circuit breaker, run in the transaction that records a group of attempts (one tenant's).
 * `event_sink.failing_since` marks the start of a sink's run of attempts without a delivery: a
 * delivery clears it, a failure sets it if unset (writes happen only on change, and the update is
 * part of the statement that records the attempts: a healthy sink costs no round trip of its own).
 * A run longer than `openAfterMs`, or a 410, disables the sink (`enabled = false`,
 * `disabled_reason` circuit_open or gone; `updated_at` moves, so an admin's update prepared before
 * it is a 409, not a silent re-enable), holds its deliveries that wait for a retry, and tells the
 * tenant's other sinks (INTEGRATION_DISABLED; see openBroken). The update is conditional on
 * `enabled`, so of many workers seeing the same run, one disables and announces.
 */
export function sinkRuns(attempts: SinkAttempt[]): SinkRuns {
  const bySink = new Map<string, { delivered: boolean; gone: boolean; at: Date }>();
  for (const a of attempts) {
    const seen = bySink.get(a.sinkId) ?? { delivered: false, gone: false, at: a.at };
    bySink.set(a.sinkId, { delivered: seen.delivered || a.delivered, gone: seen.gone || a.gone, at: a.at < seen.at ? a.at : seen.at });
  }
  const sinks = [...bySink.entries()];
  return {
    ids: sinks.map(([id]) => id),
    ok: sinks.map(([, s]) => s.delivered),
    at: sinks.map(([, s]) => s.at.toISOString()),
    failing: sinks.filter(([, s]) => !s.delivered).map(([id]) => id),
    gone: sinks.filter(([, s]) => s.gone).map(([id]) => id),
  };
}

/** Whether `openBroken` has anything to check: a sink failed, or answered 410. */
export const mayOpen = (runs: SinkRuns) => runs.failing.length > 0 || runs.gone.length > 0;

/**
 * The statement that moves each sink's `failing_since`, over parameters holding SinkRuns' ids,
 * ok and at; a CTE of the statement that records the attempts (deliveries.ts).
 */
export const failingSinceSql = (ids: string, ok: string, at: string) =>
  `UPDATE event_sink s SET failing_since = CASE WHEN v.ok THEN NULL ELSE v.at END
     FROM unnest(${ids}::uuid[], ${ok}::bool[], ${at}::timestamptz[]) AS v(id, ok, at)
    WHERE s.id = v.id AND CASE WHEN v.ok THEN s.failing_since IS NOT NULL ELSE s.failing_since IS NULL END`;

/**
 * After `failing_since` has moved: disables the sinks whose run is too long or that answered
 * 410, holds their waiting deliveries and announces it. No statement when every sink delivered.
 */
export async function openBroken(tx: SqlTx, tenantId: string, runs: SinkRuns, options: BreakerOptions): Promise<Map<string, OpenReason>> {
  const { failing, gone } = runs;
  if (!mayOpen(runs)) return new Map();

  const { rows: opened } = await tx.query<DisabledSink>(
    `UPDATE event_sink SET enabled = false, updated_at = now(),
            disabled_reason = CASE WHEN id = ANY($2::uuid[]) THEN 'gone' ELSE 'circuit_open' END
      WHERE enabled AND deleted_at IS NULL
        AND (id = ANY($2::uuid[]) OR (id = ANY($1::uuid[]) AND failing_since <= now() - make_interval(secs => $3::float8)))
     RETURNING id, name, channel, disabled_reason AS reason, failing_since`,
    [failing, gone, options.openAfterMs / 1000],
  );
  if (opened.length === 0) return new Map();
  await holdDeliveries(tx, opened.map((s) => s.id));
  await announceDisabled(tx, tenantId, opened);
  return new Map(opened.map((s) => [s.id, s.reason]));
}

/**
 * A disabled sink's deliveries that wait (pending, or retrying at a later time) are held at
 * once, so the delivery log says so; the ones in flight are held when they next come up (their
 * claim finds the sink disabled). The admin API's disable does the same (apps/api/src/deliveries/service.ts).
 */
export async function holdDeliveries(tx: SqlTx, sinkIds: string[]): Promise<void> {
  await tx.query(`UPDATE delivery SET state = 'held', updated_at = now() WHERE sink_id = ANY($1::uuid[]) AND state IN ('pending', 'retrying')`, [sinkIds]);
}
