import type { Database } from '@tocsin/db';
import { eventually } from './system.js';

/**
 * Waits until the Events API's barrier — the oldest transaction still running anywhere in the
 * cluster (`pg_snapshot_xmin`) — has passed every event of the tenant. Other suites share the
 * cluster and their transactions can hold it for a moment, so a read that expects all of a
 * tenant's events must wait for this first, not assume it.
 */
export async function untilPastBarrier(db: Database, tenantId: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const [row] = await db.withTenant(tenantId, (tx) =>
        tx.$queryRaw<{ passed: boolean }[]>`SELECT coalesce(max(txid) < pg_snapshot_xmin(pg_current_snapshot()), true) AS passed FROM audit_event`,
      );
      return row?.passed ? true : undefined;
    },
    timeoutMs,
    "the Events API barrier to pass the tenant's events",
  );
}
