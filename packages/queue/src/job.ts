import { z } from 'zod';

/**
 * What a job carries: a reference, never a credential or the event itself. Redis and the
 * dashboard show job data in clear; the worker reads sink and event from PostgreSQL.
 */
export const jobDataSchema = z.strictObject({
  delivery_id: z.uuid(),
  tenant_id: z.uuid(),
  /** The sink, so a worker can pace it before claiming (per-sink rate limits). */
  sink_id: z.uuid(),
});
export type JobData = z.infer<typeof jobDataSchema>;

/** Most deliveries one batch job names. */
export const MAX_BATCH_JOB_DELIVERIES = 10_000;

/**
 * A job of a batching channel (Splunk, Sentinel, Datadog): several deliveries of one sink. One
 * BullMQ job per delivery costs more in Redis than the whole send at SIEM volumes, so these
 * kinds enqueue a sink's deliveries together; each is still claimed, recorded and decided on its
 * own row.
 */
export const batchJobDataSchema = z.strictObject({
  tenant_id: z.uuid(),
  sink_id: z.uuid(),
  delivery_ids: z.array(z.uuid()).min(1).max(MAX_BATCH_JOB_DELIVERIES),
});
export type BatchJobData = z.infer<typeof batchJobDataSchema>;

/**
 * A delivery to enqueue. For one-delivery jobs the job id is the delivery id, so enqueueing twice
 * is a no-op; a batch job has its own id, and a delivery named by two jobs is sent once because
 * a claim respects the other's lease.
 */
export interface DueDelivery {
  id: string;
  tenantId: string;
  sinkId: string;
  /** The channel id: which queue. */
  channel: string;
  /**
   * How many times an admin has re-sent it (retry, recover); 0 or absent before that. A finished
   * one-delivery job keeps its id in Redis (so the relay cannot add it twice), which would make
   * re-adding a re-sent delivery a no-op: each round has its own job id, see {@link singleJobId}.
   */
  round?: number;
}

/** The job id of a one-delivery job: the delivery id, then `<id>.r<round>` for each manual re-send. */
export function singleJobId(d: Pick<DueDelivery, 'id' | 'round'>): string {
  return d.round ? `${d.id}.r${d.round}` : d.id;
}
