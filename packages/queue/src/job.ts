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

/** A delivery to enqueue: the job id is the delivery id, so enqueueing twice is a no-op. */
export interface DueDelivery {
  id: string;
  tenantId: string;
  sinkId: string;
  /** The channel id: which queue. */
  channel: string;
}
