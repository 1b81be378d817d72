import type { EventRecord, Party } from './event-record.js';

const party = (p: Party | null): Party | null => (p === null ? null : { id: p.id, type: p.type, name: p.name });

/**
 * The record exactly as it goes on the wire, push and pull alike: the documented fields in the
 * documented order (design §4), and nothing else, so a column added to the row that an event was
 * loaded from cannot leak into deliveries.
 */
export function toWireRecord(event: EventRecord): EventRecord {
  return {
    id: event.id,
    tenant_id: event.tenant_id,
    action: event.action,
    title: event.title,
    category: event.category,
    severity: event.severity,
    level: event.level,
    actor: party(event.actor),
    resource: party(event.resource),
    source_ip: event.source_ip,
    detail: event.detail,
    occurred_at: event.occurred_at,
    received_at: event.received_at,
  };
}

/** The JSON of {@link toWireRecord}. */
export const serializeEventRecord = (event: EventRecord): string => JSON.stringify(toWireRecord(event));
