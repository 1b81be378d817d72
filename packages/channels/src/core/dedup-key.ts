/**
 * The receiver's deduplication key for one event at one sink (PagerDuty `dedup_key`, Opsgenie
 * `alias`): the same on every retry, different for another sink of the same tenant.
 */
export const eventSinkKey = (sinkId: string, eventId: string): string => `tocsin:${sinkId}:${eventId}`;
