import { z } from 'zod';
import { ApiError, type ErrorDetail } from '../errors.js';
import { cursorParam, limitParam } from '../paging.js';
import { EARLIEST, LATEST, TIMESTAMP_HINT, inRange, timestampProblem } from '../json/timestamp.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date that exists (2026-02-30 does not), as UTC midnight. */
function parseDate(value: string): Date | undefined {
  const d = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : d;
}

const HINT = 'must be a date (2026-06-01) or a timestamp with an offset (2026-06-01T10:00:00Z)';

/**
 * `from`/`to` take a date (UTC) or an RFC 3339 timestamp with an offset. The window is half-open,
 * [from, to), so adjacent windows (the previous hour, every hour) never share a record; a date-only
 * `to` therefore means the start of the next day, i.e. the whole named day is included.
 * Timestamps follow json/timestamp.ts (years 0001 to 9999, offsets up to ±14:00); so does the
 * instant a date resolves to, which makes `to=9999-12-31` (the start of year 10000) out of range.
 */
function instant(bound: 'from' | 'to') {
  return z.string().transform((value, ctx): Date => {
    if (DATE_ONLY.test(value)) {
      const day = parseDate(value);
      if (day) {
        const at = bound === 'to' ? new Date(day.getTime() + DAY_MS) : day;
        if (inRange(at)) return at;
        ctx.addIssue({ code: 'custom', message: `must be a date from ${EARLIEST.toISOString().slice(0, 10)} to ${bound === 'to' ? '9999-12-30' : LATEST.toISOString().slice(0, 10)}` });
        return z.NEVER;
      }
    } else {
      const problem = timestampProblem(value);
      if (problem === undefined) return new Date(value);
      if (problem !== TIMESTAMP_HINT) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
    }
    ctx.addIssue({ code: 'custom', message: HINT });
    return z.NEVER;
  });
}

export const eventsQuery = z
  .strictObject({
    from: instant('from').optional(),
    to: instant('to').optional(),
    limit: limitParam.optional(),
    cursor: cursorParam.optional(),
  })
  .superRefine((q, ctx) => {
    // An empty window is always a mistake (to=2026-06-23&from=2026-06-24 resolves to one).
    if (q.from && q.to && q.from.getTime() >= q.to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });

export type EventsQuery = z.infer<typeof eventsQuery>;

/** The received_at window of a read: [from, to), either end open when null. */
export interface Window {
  from: Date | null;
  to: Date | null;
}

/** Parses the query string; a misspelt parameter is named in the details like any bad value. */
export function parseEventsQuery(query: unknown): EventsQuery {
  const result = eventsQuery.safeParse(query);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue): ErrorDetail[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'is not a parameter of this endpoint (from, to, limit, cursor)', code: issue.code }))
      : [{ path: issue.path.join('.') || '(query)', message: issue.message, code: issue.code }],
  );
  throw new ApiError(400, 'invalid_request', 'The query has invalid parameters.', details);
}
