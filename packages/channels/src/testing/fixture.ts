import type { FailureReason } from '../core/reasons.js';
import type { ReceivedRequest, RouteHandler } from './test-receiver.js';

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
  /** Operator settings the channel needs to send (e.g. OAuth client credentials). */
  settings?: Record<string, string>;
  /** The body a 2xx of the send request carries (Slack's `ok`, Teams' `1`). @defaultValue empty */
  successBody?: string;
  /** Per-status expectations where the channel adds to the shared rules (e.g. a retried 403). */
  expectedOutcomes?: Partial<Record<number, ExpectedOutcome>>;
  /**
   * Requests a send makes before (or besides) the one that delivers — a token, a lookup — by
   * path, or by `METHOD path` when the delivering request shares the path (ServiceNow's lookup
   * `GET` and create `POST` on one table URL), answered with success. The suite also fails each
   * of them in turn and expects the delivery to be classified from that failure, with nothing
   * delivered.
   */
  routes?: Record<string, RouteHandler>;
  /**
   * The vendor's documented size limit of one request body, in bytes: the suite sends an event
   * with a huge `detail` and expects it delivered (truncated), never rejected, within this.
   * Unset for kinds that send the record as it is (the generic webhook).
   */
  maxBodyBytes?: number;
  /** Further checks of the body sent for the oversized event (e.g. a vendor field's limit). */
  checkOversized?(request: ReceivedRequest): void;
}
