import { z } from 'zod';

/** Days to keep, 1 to 100 years; null: for ever. */
const days = z.number().int().min(1).max(36_500).nullable();

/** The tenant's retention policy, as answered and as sent (PUT replaces it whole). */
export const retentionPolicy = z.strictObject({
  /** How long audit events are kept, with their deliveries and attempts; null: for ever. */
  events_days: days.meta({ description: 'Days an audit event is kept, with its deliveries and their attempts (null: for ever).' }),
  /** How long the attempt log of a finished delivery is kept; null: as long as its event. */
  attempts_days: days.meta({ description: 'Days the attempts of a finished delivery are kept (null: as long as its event). At most `events_days`.' }),
});
export type RetentionPolicy = z.infer<typeof retentionPolicy>;

export const putRetentionBody = retentionPolicy.refine((p) => p.events_days === null || p.attempts_days === null || p.attempts_days <= p.events_days, {
  path: ['attempts_days'],
  message: 'must not be longer than events_days: attempts go with their event',
});

/** GET /v1/retention takes no query parameters. */
export const getRetentionQuery = z.strictObject({});

export const retentionEnvelope = z.strictObject({ retention: retentionPolicy });
