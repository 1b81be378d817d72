import { atLeast, severityOfLevel, siemLevel, type CatalogEntry, type Level, type Severity } from '@tocsin/catalog';
import { channelById } from './registry.js';

/** What matching needs of a sink. */
export interface RoutableSink {
  channel: string;
  events: string[];
  minSeverity: string;
  /** SIEM kinds only: the sink takes DEBUG events too. */
  forwardDebug: boolean;
}

/** What matching needs of an event: its catalog entry, effective severity and recorded level. */
export interface RoutedEvent {
  entry: CatalogEntry | undefined;
  severity: Severity;
  level: Level | null;
}

/**
 * Does this sink take this event? The rules are in docs/architecture.md ("Who receives an
 * event"). Actions outside the catalog are stored and pulled, never pushed, to any kind. Ingest
 * and the worker's own events (a disabled integration) route with this one function.
 */
export function sinkTakes(sink: RoutableSink, event: RoutedEvent): boolean {
  const channel = channelById(sink.channel);
  const { entry } = event;
  if (!channel || !entry) return false;
  const listed = sink.events.includes('*') || sink.events.includes(entry.constant);
  const minimum = sink.minSeverity as Severity;
  if (channel.routing !== 'siem') return entry.push && listed && atLeast(event.severity, minimum);

  // SIEM kinds: any typed event, matched on VaultPAM's level.
  const level = siemLevel(entry, event.level, event.severity);
  if (level === 'CRITICAL') return true;
  if (level === 'DEBUG' && !sink.forwardDebug) return false;
  return listed && atLeast(severityOfLevel(level), minimum);
}
