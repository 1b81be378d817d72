import { randomUUID } from 'node:crypto';
import { levelOfSeverity, type EventRecord, type Severity } from '@tocsin/catalog';
import { OUTCOME_BODY_MAX_BYTES, sendOnce, truncateUtf8, type AnyChannel, type Outcome, type SenderCache } from '@tocsin/channels';
import type { Database } from '@tocsin/db';
import type { Logger } from '@tocsin/config';
import { actorOf, type Principal } from '../auth/principal.js';

/** The action of a test event: outside the catalog, so nothing else ever matches it. */
export const TEST_ACTION = 'tocsin.test';

/** Longest error message kept, as for a delivery attempt. */
const MAX_MESSAGE = 1_000;

export interface TestedSink {
  id: string;
  tenantId: string;
  name: string;
  config: unknown;
  minSeverity: string;
  updatedAt: Date;
}

/** The sample a test sends: at the sink's minimum severity, so it always clears the threshold (seed 002). */
export function testEvent(principal: Principal, sink: TestedSink, now: Date): EventRecord {
  const severity = sink.minSeverity as Severity;
  return {
    id: randomUUID(),
    tenant_id: sink.tenantId,
    action: TEST_ACTION,
    title: 'Tocsin test event',
    category: null,
    severity,
    level: levelOfSeverity(severity),
    actor: actorOf(principal),
    resource: { id: sink.id, type: 'EventSink', name: sink.name },
    source_ip: null,
    detail: { test: true, message: 'A test event from Tocsin: if you can read this, the integration works.' },
    occurred_at: now.toISOString(),
    received_at: now.toISOString(),
  };
}

export interface TestResult {
  id: string;
  sink_id: string;
  started_at: string;
  duration_ms: number;
  outcome: Outcome['kind'];
  status: number | null;
  error_code: string | null;
  error_message: string | null;
  event: EventRecord;
}

/**
 * Sends a test event now, through the real channel, its egress guard and its classification
 * (`sendOnce`, the worker's path), and records it in `sink_test`: a test, not a delivery of a
 * real event, so it is never retried or recovered. The outcome's message is the channel's,
 * which never carries a secret.
 */
export async function sendTest(
  deps: { db: Database; senders: SenderCache; logger: Logger },
  principal: Principal,
  channel: AnyChannel,
  sink: TestedSink,
): Promise<TestResult> {
  const started = new Date();
  const event = testEvent(principal, sink, started);
  const stored = { tenantId: sink.tenantId, sinkId: sink.id, config: sink.config as Record<string, unknown>, version: sink.updatedAt.toISOString() };
  const [outcome] = await sendOnce(channel, stored, [{ deliveryId: randomUUID(), attempt: 1, event }], deps.senders, {
    onError: (err, what) => deps.logger.error({ err: what === 'open' ? { name: (err as Error).name } : err, sinkId: sink.id, channel: channel.id }, 'test send failed inside Tocsin'),
  });
  const durationMs = Date.now() - started.getTime();
  const failure = outcome!.kind === 'delivered' ? undefined : outcome!;
  const id = randomUUID();
  await deps.db.withTenant(sink.tenantId, (tx) =>
    tx.sinkTest.create({
      data: {
        id,
        tenantId: sink.tenantId,
        sinkId: sink.id,
        severity: event.severity,
        startedAt: started,
        durationMs,
        outcome: outcome!.kind,
        statusCode: outcome!.status ?? null,
        errorCode: failure?.reason ?? null,
        errorMessage: failure?.message.slice(0, MAX_MESSAGE) ?? null,
        responseBody: outcome!.body === undefined ? null : truncateUtf8(outcome!.body, OUTCOME_BODY_MAX_BYTES),
        actor: { ...actorOf(principal) },
      },
    }),
  );
  return {
    id,
    sink_id: sink.id,
    started_at: started.toISOString(),
    duration_ms: durationMs,
    outcome: outcome!.kind,
    status: outcome!.status ?? null,
    error_code: failure?.reason ?? null,
    error_message: failure?.message.slice(0, MAX_MESSAGE) ?? null,
    event,
  };
}
