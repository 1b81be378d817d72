import { z } from 'zod';
import { parseSeverity } from '@tocsin/catalog';

/** Largest batch in one POST (design §4). */
export const MAX_BATCH = 1000;

const party = z.strictObject({
  id: z.string().max(256).nullish(),
  type: z.string().max(64).nullish(),
  name: z.string().max(256).nullish(),
});

/**
 * One event as a producer posts it. Unknown fields are refused. `action` is printable ASCII
 * because it travels in HTTP headers (X-Tocsin-Event) and chat messages.
 */
export const eventInput = z.strictObject({
  id: z.uuid().optional(),
  tenant_id: z.uuid().optional(),
  action: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'must be printable ASCII without leading or trailing spaces'),
  title: z.string().min(1).max(500).optional(),
  severity: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const parsed = parseSeverity(s);
      if (!parsed) ctx.addIssue({ code: 'custom', message: 'must be low, medium, high or critical (or DEBUG, INFO, WARN, ERROR, CRITICAL)' });
      return parsed;
    }),
  actor: party.optional(),
  resource: party.optional(),
  source_ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
});
export type EventInput = z.infer<typeof eventInput>;

export const batchInput = z.strictObject({
  events: z.array(z.unknown()).min(1).max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} events`),
});
