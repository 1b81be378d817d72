import type { FailureReason } from './reasons.js';

/** What the destination answered, kept for the attempt log. The body is truncated and secret-free. */
export interface ResponseInfo {
  status?: number;
  body?: string;
}

/**
 * The classified result of one send. Channels return it; exactly one file in the worker maps it to
 * BullMQ. Channels never import BullMQ and never retry on their own.
 */
export type Outcome =
  | ({ kind: 'delivered' } & ResponseInfo)
  | ({ kind: 'retryable'; reason: FailureReason; message: string; retryAfterMs?: number } & ResponseInfo)
  | ({ kind: 'permanent'; reason: FailureReason; message: string } & ResponseInfo);

export const delivered = (info: ResponseInfo = {}): Outcome => ({ kind: 'delivered', ...info });
