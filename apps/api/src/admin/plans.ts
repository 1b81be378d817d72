import { channelById } from '@tocsin/channels';
import type { Database } from '@tocsin/db';
import type { ConfigAudit } from '../audit/config-audit.js';
import type { AuthChanges } from '../auth/auth-changes.js';
import { planAllows } from '../auth/authenticate.js';
import type { Plan } from '../auth/principal.js';
import type { SinkCache } from '../sinks/cache.js';

/** Why a sink was turned off by a plan change (event_sink.disabled_reason). */
export const PLAN_DOWNGRADED = 'plan_downgraded';

export interface PlanChangeDeps {
  db: Database;
  /** Ingest's sink cache: its invalidation reaches every api process. */
  sinks: SinkCache;
  /** The api's credential caches hold the plan: its invalidation reaches every api process. */
  authChanges: AuthChanges;
  audit: ConfigAudit;
}

export interface PlanChange {
  tenant_id: string;
  plan: Plan;
  previous_plan: Plan;
  /** Sinks the new plan does not allow, turned off (never deleted). */
  disabled_sinks: { id: string; name: string; event_sink_type: string }[];
}

/**
 * Sets a tenant's plan (design §2). In the same transaction, every enabled sink whose kind the
 * new plan does not allow is disabled with `disabled_reason = 'plan_downgraded'` (kept, readable,
 * re-enabled by its admin after an upgrade), and its deliveries not yet sent end `skipped`.
 * Then every api process drops the tenant's cached sinks and credentials, and each disabled
 * sink is recorded as EVENT_SINK_DISABLED with the operator as actor. An upgrade re-enables
 * nothing on its own: the sinks' admins decide whether the old destinations still stand.
 */
export async function setTenantPlan(deps: PlanChangeDeps, tenantId: string, plan: Plan, operator: string): Promise<PlanChange> {
  const change = await deps.db.withTenant(tenantId, async (tx) => {
    // Locks the row: two plan changes at once disable against the plan that ends up stored.
    const [tenant] = await tx.$queryRaw<{ plan: Plan }[]>`SELECT plan FROM tenant WHERE id = ${tenantId}::uuid FOR UPDATE`;
    if (!tenant) return undefined;
    await tx.tenant.update({ where: { id: tenantId }, data: { plan } });
    const enabled = await tx.eventSink.findMany({ where: { enabled: true, deletedAt: null }, select: { id: true, name: true, channel: true }, orderBy: { createdAt: 'asc' } });
    const refused = enabled.flatMap((sink) => {
      const channel = channelById(sink.channel);
      return channel && !planAllows(plan, channel.plan) ? [{ id: sink.id, name: sink.name, event_sink_type: channel.sinkType }] : [];
    });
    if (refused.length > 0) {
      const ids = refused.map((s) => s.id);
      await tx.eventSink.updateMany({ where: { id: { in: ids } }, data: { enabled: false, disabledReason: PLAN_DOWNGRADED } });
      await tx.delivery.updateMany({
        where: { sinkId: { in: ids }, state: { in: ['pending', 'retrying'] } },
        data: { state: 'skipped', lastErrorCode: 'sink_disabled', finishedAt: new Date(), updatedAt: new Date() },
      });
    }
    return { tenant_id: tenantId, plan, previous_plan: tenant.plan, disabled_sinks: refused } satisfies PlanChange;
  });
  if (!change) throw new Error(`no tenant ${tenantId}`);
  deps.sinks.invalidate(tenantId);
  await deps.authChanges.publish({ tenantId });
  for (const sink of change.disabled_sinks) {
    await deps.audit.record(
      { tenantId, operator },
      {
        action: 'EVENT_SINK_DISABLED',
        resource: { id: sink.id, type: 'EventSink', name: sink.name },
        detail: { event_sink_type: sink.event_sink_type, reason: PLAN_DOWNGRADED, plan, previous_plan: change.previous_plan },
      },
    );
  }
  return change;
}
