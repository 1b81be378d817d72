/** A delivery row as read (Prisma's field names). */
export interface StoredDelivery {
  id: string;
  eventId: string;
  sinkId: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastErrorCode: string | null;
  lastError: string | null;
  nextAttemptAt: Date;
  deferrals: number;
  /** The worker's retry policy for the round (apps/worker/src/retry-policy.ts); null before its first attempt. */
  retryPolicy: unknown;
  retryUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface StoredAttempt {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: string;
  statusCode: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  responseBody: string | null;
}

export interface StoredEventSummary {
  id: string;
  action: string;
  title: string;
  category: string | null;
  severity: string;
  occurredAt: Date;
  receivedAt: Date;
}

const iso = (d: Date | null) => d && d.toISOString();

/** The policy as the worker stored it (apps/worker/src/retry-policy.ts, RetryPolicy). */
interface StoredRetryPolicy {
  severity: string;
  first_delay_ms: number;
  max_attempts: number;
  window_ms: number;
  max_deferrals: number;
}

/** The round's retry policy and deadline, or null until the worker has made the round's first attempt. */
function presentRetryPolicy(d: StoredDelivery) {
  if (d.retryPolicy === null || typeof d.retryPolicy !== 'object') return null;
  const p = d.retryPolicy as StoredRetryPolicy;
  return {
    severity: p.severity,
    first_delay_ms: p.first_delay_ms,
    max_attempts: p.max_attempts,
    max_deferrals: p.max_deferrals,
    window_ms: p.window_ms,
    retry_until: iso(d.retryUntil),
  };
}

/**
 * One entry of the delivery log. `next_attempt_at` is shown only while the delivery waits for
 * an automatic retry: in other states the column is the relay's bookkeeping (a grace or a lease).
 */
export function presentDelivery(d: StoredDelivery, action: string | null) {
  return {
    id: d.id,
    event_id: d.eventId,
    sink_id: d.sinkId,
    action,
    state: d.state,
    attempts: d.attempts,
    last_status: d.lastStatus,
    last_error_code: d.lastErrorCode,
    last_error: d.lastError,
    next_attempt_at: d.state === 'retrying' ? iso(d.nextAttemptAt) : null,
    deferrals: d.deferrals,
    retry_policy: presentRetryPolicy(d),
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    finished_at: iso(d.finishedAt),
  };
}

export function presentAttempt(a: StoredAttempt) {
  return {
    attempt: a.attempt,
    started_at: iso(a.startedAt),
    duration_ms: a.durationMs,
    outcome: a.outcome,
    status_code: a.statusCode,
    error_code: a.errorCode,
    error_message: a.errorMessage,
    response_body: a.responseBody,
  };
}

/** A delivery with its event's summary and every attempt, oldest first. */
export function presentDeliveryDetail(d: StoredDelivery, event: StoredEventSummary | null, attempts: StoredAttempt[]) {
  return {
    ...presentDelivery(d, event?.action ?? null),
    event: event && {
      id: event.id,
      action: event.action,
      title: event.title,
      category: event.category,
      severity: event.severity,
      occurred_at: iso(event.occurredAt),
      received_at: iso(event.receivedAt),
    },
    attempt_log: attempts.map(presentAttempt),
  };
}
