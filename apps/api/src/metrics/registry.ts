import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The api's metrics, on a Registry of their own (never prom-client's global one, which any
 * dependency may write to). Labels are closed lists: outcomes, HTTP methods and status codes,
 * channel ids from the registry and failure reasons from packages/channels/src/core/reasons.ts.
 * Never a tenant, sink, delivery or event id: those belong in logs and the delivery log.
 */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tocsin_api_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'tocsin_http_requests_total',
      help: 'HTTP requests answered by the api, by method and status code.',
      labelNames: ['method', 'code'] as const,
      registers: [registry],
    }),
    ingestRequests: new Counter({
      name: 'tocsin_ingest_requests_total',
      help: 'POST /v1/events requests by outcome: accepted (202), refused (4xx: invalid, too large, wrong tenant, no scope), unavailable (503), error (500).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    ingestEvents: new Counter({
      name: 'tocsin_ingest_events_total',
      help: 'Events in accepted POST /v1/events requests, by outcome: accepted (stored) or duplicate (an id already stored, neither stored nor delivered again).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'tocsin_queue_depth',
      help: "Jobs in a channel's BullMQ queue not yet finished (wait + prioritized + delayed + active), read at scrape time.",
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    undelivered: new Gauge({
      name: 'tocsin_deliveries_undelivered',
      help: 'Deliveries pending, in flight or retrying (throttled ones included; held ones are not), per channel, read from PostgreSQL at scrape time.',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    oldestUndelivered: new Gauge({
      name: 'tocsin_delivery_oldest_undelivered_seconds',
      help: 'Age of the oldest delivery pending, in flight or retrying, per channel (absent when there is none).',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    relayLag: new Gauge({
      name: 'tocsin_relay_lag_seconds',
      help: 'How long the most overdue delivery has been due without a relay claiming it (0 when none is overdue).',
      registers: [registry],
    }),
    circuitsOpen: new Gauge({
      name: 'tocsin_circuits_open',
      help: 'Sinks disabled by the circuit breaker (reason circuit_open) or by a 410 Gone (reason gone), per channel.',
      labelNames: ['channel', 'reason'] as const,
      registers: [registry],
    }),
    sourceUp: new Gauge({
      name: 'tocsin_metrics_source_up',
      help: 'Whether the last scrape could read its source (postgres, redis): 1 yes, 0 no (the gauges from it are then absent).',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
