import type { EventRecord } from '../core/event-record.js';

export interface SeverityStyle {
  /** A standard Slack emoji short name (Unicode coloured circles, rendered on every client). */
  emoji: string;
  /** Shown in bold next to the emoji. */
  label: string;
  /** The colour the emoji shows, as in channels.md §1 (chat colour column). */
  colour: 'red' | 'orange' | 'yellow' | 'blue';
}

/**
 * Our severities in Slack. Top-level blocks have no colour bar (only legacy attachments do), so
 * the colour is the emoji's: red, orange, yellow, blue (channels.md §1). The table is in README.md.
 */
export const SEVERITY_STYLES: Readonly<Record<EventRecord['severity'], SeverityStyle>> = {
  critical: { emoji: ':red_circle:', label: 'Critical', colour: 'red' },
  high: { emoji: ':large_orange_circle:', label: 'High', colour: 'orange' },
  medium: { emoji: ':large_yellow_circle:', label: 'Medium', colour: 'yellow' },
  low: { emoji: ':large_blue_circle:', label: 'Low', colour: 'blue' },
};

export const severityStyle = (severity: EventRecord['severity']): SeverityStyle => SEVERITY_STYLES[severity];
