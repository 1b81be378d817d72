import { randomUUID } from 'node:crypto';
import { effectiveSeverity, lookupAction, recordLevel } from '@tocsin/catalog';
import { channelById, FORWARD_DEBUG_FIELD, sinkTakes, type RoutableSink } from '@tocsin/channels';
import type { SqlTx } from '@tocsin/db';

/** Why the breaker disabled a sink (event_sink.disabled_reason). */
export type OpenReason = 'circuit_open' | 'gone';

/** A sink the breaker has just disabled. */
export interface DisabledSink {
  id: string;
  name: string;
  channel: string;
  reason: OpenReason;
  failing_since: Date | null;
}

const ENTRY = lookupAction('INTEGRATION_DISABLED')!;
/** Tocsin itself acts: VaultPAM's actor type for an automated action with no user behind it. */
const SYSTEM_ACTOR = { id: null, type: 'System', name: 'Tocsin' };

/**
 * Tells the tenant that an integration stopped: one INTEGRATION_DISABLED event per sink in the
 * tenant's audit stream (served by the Events API like any other), with a delivery to each of
 * the tenant's other enabled sinks that takes it, by the same rules as ingest (`sinkTakes`).
 * Written in the breaker's transaction, so the sink is never disabled without it. The worker has
 * no Ingestor: the rows are written here and made due at once, so the relay enqueues them.
 */
export async function announceDisabled(tx: SqlTx, tenantId: string, sinks: DisabledSink[]): Promise<void> {
  const severity = effectiveSeverity(ENTRY, undefined);
  const routed = { entry: ENTRY, severity, level: recordLevel(ENTRY, undefined) };
  const events = sinks.map((sink) => ({
    id: randomUUID(),
    resource: { id: sink.id, type: 'EventSink', name: sink.name },
    detail: {
      event_sink_type: channelById(sink.channel)?.sinkType ?? sink.channel,
      reason: sink.reason,
      failing_since: sink.failing_since?.toISOString() ?? null,
    },
  }));
  await tx.query(
    `INSERT INTO audit_event (tenant_id, id, action, title, category, severity, level, catalog, actor, resource, detail, occurred_at)
     SELECT $1::uuid, e.id, $2, $3, $4, $5, $6, true, $7::jsonb, e.resource, e.detail, now()
       FROM unnest($8::uuid[], $9::jsonb[], $10::jsonb[]) AS e(id, resource, detail)`,
    [tenantId, ENTRY.action, ENTRY.title, ENTRY.category, severity, routed.level, JSON.stringify(SYSTEM_ACTOR), events.map((e) => e.id), events.map((e) => JSON.stringify(e.resource)), events.map((e) => JSON.stringify(e.detail))],
  );
  const { rows: others } = await tx.query<RoutableSink & { id: string }>(
    `SELECT id, channel, events, min_severity AS "minSeverity", COALESCE((config ->> $2)::boolean, false) AS "forwardDebug"
       FROM event_sink WHERE tenant_id = $1 AND enabled AND deleted_at IS NULL`,
    [tenantId, FORWARD_DEBUG_FIELD],
  );
  const takers = others.filter((sink) => sinkTakes(sink, routed));
  const rows = events.flatMap((e) => takers.map((sink) => ({ id: randomUUID(), eventId: e.id, sinkId: sink.id, channel: sink.channel })));
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO delivery (id, tenant_id, event_id, sink_id, channel, next_attempt_at)
     SELECT d.id, $1::uuid, d.event_id, d.sink_id, d.channel, now()
       FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[]) AS d(id, event_id, sink_id, channel)`,
    [tenantId, rows.map((r) => r.id), rows.map((r) => r.eventId), rows.map((r) => r.sinkId), rows.map((r) => r.channel)],
  );
}
