import type { Level } from './severity.js';
import type { Severity } from './types.js';

export interface Party {
  id: string | null;
  type: string | null;
  name: string | null;
}

/**
 * The normalized audit record: identical in push (every channel) and pull (the Events API).
 * snake_case because it is public wire format.
 */
export interface EventRecord {
  id: string;
  tenant_id: string;
  action: string;
  title: string;
  category: string | null;
  severity: Severity;
  /**
   * The VaultPAM level (DEBUG … CRITICAL): as the producer sent it, or the catalog default for a
   * VaultPAM-catalog event; null for other events sent without one.
   */
  level: Level | null;
  actor: Party | null;
  resource: Party | null;
  source_ip: string | null;
  detail: Record<string, unknown>;
  occurred_at: string;
  received_at: string;
}
