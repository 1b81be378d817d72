import { z } from 'zod';
import { parseSeverity } from '@tocsin/catalog';
import { timestampString } from '../json/timestamp.js';

/** Largest batch in one POST (design §4). */
export const MAX_BATCH = 1000;

/**
 * Deepest an event's `detail` may nest: `detail` itself is level 1. Deeper structures are refused
 * (naming the path where the limit is passed) rather than flattened: channels render detail into
 * chat messages and SIEM fields, and no audit event needs more. The body as a whole may nest 64
 * levels (json/strict-json.ts), which a batch's `{"events": [{"detail": ...}]}` stays within.
 */
export const MAX_DETAIL_DEPTH = 32;

/** The path to the first value of `value` that is deeper than `limit`, or undefined. */
function tooDeep(value: unknown, limit: number, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (limit === 0) return [...path];
  // Object.keys: own keys only, so `__proto__` counts as the plain key it is.
  for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
    path.push(key);
    const found = tooDeep((value as Record<string | number, unknown>)[key], limit - 1, path);
    path.pop();
    if (found) return found;
  }
  return undefined;
}

/**
 * `detail`: any JSON object, kept as parsed. Not `z.record`, which builds a new object and skips
 * a `__proto__` key (to avoid its setter): the body parser has already made every key an own data
 * property, so passing the object on untouched stores exactly what was sent.
 */
const detail = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return;
    }
    const deep = tooDeep(value, MAX_DETAIL_DEPTH);
    if (deep) ctx.addIssue({ code: 'custom', path: deep, message: `nests deeper than ${MAX_DETAIL_DEPTH} levels (detail is level 1)` });
  })
  .meta({ type: 'object', additionalProperties: {}, description: `Any JSON object, stored and served back exactly as sent; at most ${MAX_DETAIL_DEPTH} levels deep.` }) as unknown as z.ZodType<
  Record<string, unknown>,
  unknown
>;

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
  detail: detail.optional(),
  occurred_at: timestampString().optional(),
});
export type EventInput = z.infer<typeof eventInput>;

export const batchInput = z.strictObject({
  events: z.array(z.unknown()).min(1).max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} events`),
});
