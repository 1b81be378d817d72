import type { FailureReason } from '../core/reasons.js';

/** What the conformance suite expects of one status, where a channel differs from the shared rules. */
export interface ExpectedOutcome {
  kind: 'delivered' | 'retryable' | 'permanent';
  reason?: FailureReason;
}

/**
 * What each channel folder exports from `<id>/fixture.ts` as `fixture`, so the conformance suite
 * can exercise it against a local receiver.
 */
export interface ChannelFixture<C> {
  /** A config that sends to `receiverUrl` (`http://127.0.0.1:<port>`, no trailing slash). */
  validConfig(receiverUrl: string): C;
  /** Configs the schema must reject (beyond the unknown-key case the suite builds itself). */
  invalidConfigs: unknown[];
  /** Every credential in `config`, in every form that must never be printed. */
  secretValues(config: C): string[];
  /** The body a 2xx carries from this vendor (Slack's `ok`, Teams' `1`). @defaultValue empty */
  successBody?: string;
  /** Per-status expectations where the channel adds to the shared rules (e.g. a retried 403). */
  expectedOutcomes?: Partial<Record<number, ExpectedOutcome>>;
}
