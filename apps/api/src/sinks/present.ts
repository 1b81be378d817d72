import { channels, redactConfig } from '@tocsin/channels';

export interface StoredSink {
  id: string;
  tenantId: string;
  kind: string;
  name: string;
  description: string;
  config: unknown;
  events: string[];
  minSeverity: string;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The public shape of an event sink (the event-sink seed's, extended); secrets redacted. */
export function presentSink(sink: StoredSink) {
  const channel = channels[sink.kind as keyof typeof channels];
  return {
    id: sink.id,
    tenant_id: sink.tenantId,
    name: sink.name,
    description: sink.description,
    event_sink_type: channel.kind,
    configuration: { [channel.kind]: redactConfig(channel, sink.config as Record<string, unknown>) },
    events: sink.events,
    min_severity: sink.minSeverity,
    enabled: sink.enabled,
    disabled_reason: sink.disabledReason,
    created_at: sink.createdAt.toISOString(),
    updated_at: sink.updatedAt.toISOString(),
  };
}
