import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome } from '@tocsin/channels';
import type { AttemptRecord, RecordResult } from './deliveries.js';

/**
 * End-to-end latency buckets, in seconds: from a second (a webhook on a quiet system) to six
 * hours (the longest backoff step), so a backlog or a retried delivery still lands in a bucket.
 */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600];
/** One HTTP send, in seconds: the channels' timeouts are at most 60 s. */
const SEND_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * A worker process's metrics, on a Registry of its own, served on TOCSIN_METRICS_PORT
 * (metrics-server.ts). Each worker process counts what it did; Prometheus scrapes every process
 * and sums. Labels are closed lists only: channel ids from the registry, outcomes and the failure
 * reasons of packages/channels/src/core/reasons.ts — never a tenant, sink or delivery id.
 */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tocsin_worker_' });
  const attempts = new Counter({
    name: 'tocsin_delivery_attempts_total',
    help: 'Delivery attempts by channel, outcome (delivered, retryable, permanent: how the channel classified the answer) and failure reason (none when delivered).',
    labelNames: ['channel', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'tocsin_deliveries_total',
    help: 'Deliveries that reached a state by channel, outcome and reason: delivered (none), failed (the last failure reason), held (circuit_open, gone, sink_disabled), skipped (sink_deleted).',
    labelNames: ['channel', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tocsin_delivery_latency_seconds',
    help: "Time from an event's received_at to its delivery, by channel (retries and backlog included).",
    labelNames: ['channel'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const sendDuration = new Histogram({
    name: 'tocsin_attempt_duration_seconds',
    help: 'Duration of one attempt (the send, batches included), by channel.',
    labelNames: ['channel'] as const,
    buckets: SEND_BUCKETS,
    registers: [registry],
  });
  const relayEnqueued = new Counter({
    name: 'tocsin_relay_enqueued_total',
    help: 'Deliveries the outbox relay found due in PostgreSQL and enqueued (the api had not, a retry job was lost, a lease ran out).',
    registers: [registry],
  });
  const relayRounds = new Counter({
    name: 'tocsin_relay_rounds_total',
    help: 'Relay rounds by outcome (ok, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    registry,
    relayEnqueued,
    relayRounds,
    /** One recorded attempt and what it made of the delivery. */
    attempt(channel: string, outcome: Outcome, next: AttemptRecord['next'], recorded: RecordResult, receivedAt: string, durationMs: number): void {
      const reason = outcome.kind === 'delivered' ? 'none' : outcome.reason;
      attempts.inc({ channel, outcome: outcome.kind, reason });
      sendDuration.observe({ channel }, durationMs / 1000);
      if (next.state === 'delivered') {
        deliveries.inc({ channel, outcome: 'delivered', reason: 'none' });
        const ms = Date.now() - Date.parse(receivedAt);
        if (Number.isFinite(ms)) latency.observe({ channel }, Math.max(0, ms) / 1000);
      } else if (next.state === 'failed') {
        deliveries.inc({ channel, outcome: 'failed', reason });
      } else if (next.state === 'held' || recorded.opened) {
        deliveries.inc({ channel, outcome: 'held', reason: recorded.opened ?? 'sink_disabled' });
      }
    },
    /** A claim that found the sink disabled (held) or deleted (skipped): no attempt was made. */
    unclaimed(channel: string, kind: string): void {
      if (kind === 'held') deliveries.inc({ channel, outcome: 'held', reason: 'sink_disabled' });
      if (kind === 'skipped') deliveries.inc({ channel, outcome: 'skipped', reason: 'sink_deleted' });
    },
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
