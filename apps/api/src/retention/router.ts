import { Router } from 'express';
import type { Database } from '@tocsin/db';
import { principalOf, requireScope } from '../auth/authenticate.js';
import type { ConfigAudit } from '../audit/config-audit.js';
import { parseOrThrow } from '../errors.js';
import { getRetentionQuery, putRetentionBody, type RetentionPolicy } from './schema.js';

const present = (t: { eventRetentionDays: number | null; attemptRetentionDays: number | null }): RetentionPolicy => ({
  events_days: t.eventRetentionDays,
  attempts_days: t.attemptRetentionDays,
});

/**
 * The tenant's retention policy: how long its audit events and attempt logs are kept (the
 * worker's retention job deletes what is older, see docs/architecture.md "Retention"). A change
 * is audited as RETENTION_POLICY_CHANGED: shortening retention can erase evidence.
 */
export function retentionRouter(deps: { db: Database; audit: ConfigAudit }): Router {
  const router = Router();
  router.use('/v1/retention', requireScope('admin'));
  const select = { eventRetentionDays: true, attemptRetentionDays: true } as const;

  router.get('/v1/retention', async (req, res) => {
    parseOrThrow(getRetentionQuery, req.query);
    const { tenantId } = principalOf(req);
    const tenant = await deps.db.withTenant(tenantId, (tx) => tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select }));
    res.json({ retention: present(tenant) });
  });

  router.put('/v1/retention', async (req, res) => {
    const body = parseOrThrow(putRetentionBody, req.body);
    const principal = principalOf(req);
    const { before, after } = await deps.db.withTenant(principal.tenantId, async (tx) => {
      const old = await tx.tenant.findUniqueOrThrow({ where: { id: principal.tenantId }, select });
      const now = await tx.tenant.update({ where: { id: principal.tenantId }, data: { eventRetentionDays: body.events_days, attemptRetentionDays: body.attempts_days }, select });
      return { before: present(old), after: present(now) };
    });
    if (before.events_days !== after.events_days || before.attempts_days !== after.attempts_days) {
      await deps.audit.record(principal, { action: 'RETENTION_POLICY_CHANGED', resource: { id: principal.tenantId, type: 'Tenant' }, detail: { before, after } });
    }
    res.json({ retention: after });
  });
  return router;
}
