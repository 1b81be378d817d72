import type { Logger } from '@tocsin/config';
import type { tocsinEvents } from '@tocsin/catalog';
import type { Principal } from '../auth/principal.js';
import type { Ingestor } from '../ingest/service.js';

/** A configuration event of Tocsin's own catalog (packages/catalog/src/events/tocsin). */
export type ConfigEvent = keyof typeof tocsinEvents;

export interface ConfigChange {
  /** Tocsin's own configuration events, and the VaultPAM catalog's retention change (seed 003). */
  action: ConfigEvent | 'RETENTION_POLICY_CHANGED';
  /** What was changed: `{id, type: 'EventSink' | 'Delivery' | 'ApiToken' | 'Tenant', name}`. */
  resource: { id: string; type: string; name?: string | null };
  /** What changed, without secrets: field names, counts, states. */
  detail?: Record<string, unknown>;
}

/**
 * A change made by an operator of the Tocsin deployment (the CLI), not by a tenant's token or
 * user: e.g. a plan change that disables sinks. Its actor is `{type: 'PlatformAdmin', id}`.
 */
export interface OperatorActing {
  tenantId: string;
  operator: string;
}

/**
 * Writes each configuration change into the tenant's own audit stream as a typed event, with
 * the acting API token (a service account), JWT user or operator as actor: it shows in the Events API and
 * is pushed like any other event. The change is committed first; if storing the event then
 * fails, the change stands and the failure is logged as an error with what was changed.
 */
export class ConfigAudit {
  constructor(
    private readonly ingestor: Ingestor,
    private readonly logger: Logger,
  ) {}

  async record(principal: Principal | OperatorActing, change: ConfigChange): Promise<void> {
    const actor =
      'operator' in principal
        ? { id: principal.operator, type: 'PlatformAdmin' }
        : principal.tokenId !== undefined
          ? { id: principal.tokenId, type: 'ServiceAccount' }
          : { id: principal.subject ?? null, type: 'User' };
    try {
      await this.ingestor.ingest(principal.tenantId, [
        { action: change.action, severity: undefined, actor, resource: { id: change.resource.id, type: change.resource.type, name: change.resource.name ?? null }, detail: change.detail ?? {} },
      ]);
    } catch (err) {
      this.logger.error({ err, tenantId: principal.tenantId, action: change.action, resource: change.resource }, 'configuration change not written to the audit stream');
    }
  }
}
