import { z } from 'zod';

/**
 * The timestamps the API takes (`occurred_at`, `since`, `from`, `to`): RFC 3339 with an offset,
 * `2026-06-01T10:00:00Z` or `2026-06-01T12:00:00+02:00`, and an instant that PostgreSQL and
 * JavaScript both hold the same way.
 *
 * - The instant, in UTC, lies in years 0001 to 9999 ({@link EARLIEST} to {@link LATEST}). Year
 *   0000 is not a year PostgreSQL's timestamptz takes (it counts 1 BC, 1 AD), and JavaScript
 *   writes years past 9999 as `+010000`, which PostgreSQL does not read.
 * - The offset is at most ±14:00, the widest any time zone uses (Kiribati, UTC+14). PostgreSQL
 *   refuses offsets past ±15:59, RFC 3339 allows up to ±23:59; nothing real needs more than 14.
 *   `-00:00` (RFC 3339's "offset unknown") is the same instant as `Z` and is taken.
 * - Seconds run to 59 (no leap second `:60`, which neither system stores) and dates exist
 *   (2026-02-30 does not); fractions of a second are taken (PostgreSQL keeps microseconds).
 */
export const EARLIEST = new Date('0001-01-01T00:00:00.000Z');
export const LATEST = new Date('9999-12-31T23:59:59.999Z');

/** Widest accepted offset, in minutes. */
export const MAX_OFFSET_MINUTES = 14 * 60;

const rfc3339 = z.iso.datetime({ offset: true });
const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

export const TIMESTAMP_HINT = 'must be a timestamp with an offset (2026-06-01T10:00:00Z)';

/** Whether a Date is within {@link EARLIEST} and {@link LATEST}. */
export const inRange = (at: Date): boolean => at.getTime() >= EARLIEST.getTime() && at.getTime() <= LATEST.getTime();

/**
 * Checks one timestamp; returns why it is refused, or undefined when it is taken.
 */
export function timestampProblem(value: string): string | undefined {
  if (!rfc3339.safeParse(value).success) return TIMESTAMP_HINT;
  const offset = OFFSET.exec(value);
  if (offset && Number(offset[2]) * 60 + Number(offset[3]) > MAX_OFFSET_MINUTES) return 'has an offset beyond ±14:00';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return TIMESTAMP_HINT;
  if (!inRange(at)) return 'must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';
  return undefined;
}

/** A timestamp field whose value stays the string sent (PostgreSQL reads it with its offset). */
export const timestampString = (hint = TIMESTAMP_HINT) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const problem = timestampProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem === TIMESTAMP_HINT ? hint : problem });
    })
    .meta({ format: 'date-time' });

/** A timestamp field read as a Date. */
export const timestampDate = (hint = TIMESTAMP_HINT) => timestampString(hint).transform((value) => new Date(value));
