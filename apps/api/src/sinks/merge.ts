import { REDACTED_MARKER, type AnyChannel } from '@tocsin/channels';

/**
 * What a PUT's `event_sink_args.<Kind>` makes of the stored config (secrets in clear): the given
 * fields over the stored ones. `null` removes an optional field (the channel's schema decides
 * whether it may go); a secret sent back as the `[REDACTED]` marker a GET showed is kept, so a
 * client that round-trips a sink never overwrites its secret with the marker.
 */
export function mergeConfig(channel: Pick<AnyChannel, 'secretFields'>, stored: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...stored };
  for (const [field, value] of Object.entries(given)) {
    if (value === null) delete merged[field];
    else if (value === REDACTED_MARKER && (channel.secretFields as readonly string[]).includes(field)) continue;
    else merged[field] = value;
  }
  return merged;
}

/** The given fields without secrets sent back as the marker: what a creation hook may take. */
export function withoutMarkers(channel: Pick<AnyChannel, 'secretFields'>, given: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(given).filter(([field, value]) => !(value === REDACTED_MARKER && (channel.secretFields as readonly string[]).includes(field))));
}
