import type { EventRecord } from '../core/event-record.js';

export type Severity = EventRecord['severity'];

/**
 * Adaptive Card TextBlock colours (the 1.4 `color` enum: default, dark, light, accent, good,
 * warning, attention — https://adaptivecards.io/explorer/TextBlock.html). Teams renders attention
 * red, warning orange/yellow, accent blue.
 */
export type AdaptiveCardColor = 'default' | 'accent' | 'good' | 'warning' | 'attention';

export interface SeverityStyle {
  /** Shown on the card. */
  label: string;
  /** Adaptive Card TextBlock `color`. */
  color: AdaptiveCardColor;
  /** MessageCard `themeColor`: six hex digits, no `#` (the MessageCard reference's form). */
  themeColor: string;
}

/**
 * Our severities on a Teams card (channels.md §1, chat colour column: red, orange, yellow,
 * grey/blue). Adaptive Cards have no orange, so high shares critical's `attention` and the label
 * tells them apart; the MessageCard colour bar keeps all four apart.
 */
export const SEVERITY_STYLES: Readonly<Record<Severity, SeverityStyle>> = {
  critical: { label: 'Critical', color: 'attention', themeColor: 'D13438' },
  high: { label: 'High', color: 'attention', themeColor: 'F7630C' },
  medium: { label: 'Medium', color: 'warning', themeColor: 'FFB900' },
  low: { label: 'Low', color: 'accent', themeColor: '0078D4' },
};

/** The style of a severity; an unknown value (never produced at ingest) gets the neutral one. */
export function severityStyle(severity: string): SeverityStyle {
  return SEVERITY_STYLES[severity as Severity] ?? { label: severity, color: 'default', themeColor: '8A8886' };
}
