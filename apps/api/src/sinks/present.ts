import { channelById, redactConfig } from '@tocsin/channels';

export interface StoredSink {
  id: string;
  tenantId: string;
  channel: string;
  name: string;
  description: string;
  config: unknown;
  events: string[];
  minSeverity: string;
  enabled: boolean;
  disabledReason: string | null;
  ratePerSecond: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The public shape of an event sink (the event-sink seed's, extended); secrets redacted. */
export function presentSink(sink: StoredSink) {
  const channel = channelById(sink.channel);
  // Sinks are only created for registered channels; a channel removed from the registry is a deploy error.
  if (!channel) throw new Error(`event sink ${sink.id} has unknown channel ${sink.channel}`);
  return {
    id: sink.id,
    tenant_id: sink.tenantId,
    name: sink.name,
    description: sink.description,
    event_sink_type: channel.sinkType,
    configuration: { [channel.sinkType]: redactConfig(channel, sink.config as Record<string, unknown>) },
    events: sink.events,
    min_severity: sink.minSeverity,
    enabled: sink.enabled,
    disabled_reason: sink.disabledReason,
    rate_per_second: sink.ratePerSecond,
    created_at: sink.createdAt.toISOString(),
    updated_at: sink.updatedAt.toISOString(),
  };
}
