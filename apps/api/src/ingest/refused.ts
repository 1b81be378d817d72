import { ApiError, type ErrorDetail } from '../errors.js';

/**
 * Events PostgreSQL refused to store. The API validates input before it gets here; these are what
 * slips past validation (or arrives by another way in, such as the CLI), and they are the
 * sender's data, not an outage: a 400, never a 500. SQLSTATE classes, see
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const DATA_EXCEPTION = '22';
const INTEGRITY_CONSTRAINT_VIOLATION = '23';
const PROGRAM_LIMIT_EXCEEDED = '54';
const FOREIGN_KEY_VIOLATION = '23503';

/** What each refusal means, for the fields it concerns (PostgreSQL's own text may quote the value). */
const MEANINGS: Record<string, { fields: string[]; message: string }> = {
  // untranslatable_character: \u0000 in JSON (jsonb keeps text, which cannot hold NUL)
  '22P05': { fields: ['actor', 'resource', 'detail'], message: 'contains a character that cannot be stored (\\u0000)' },
  // character_not_in_repertoire: NUL in a text column
  '22021': { fields: ['action', 'title'], message: 'contains a character that cannot be stored (\\u0000)' },
  // invalid_text_representation: an unpaired surrogate in JSON, a malformed address or id
  '22P02': { fields: ['detail', 'source_ip', 'id'], message: 'holds a value that cannot be stored (an unpaired surrogate, a malformed address or id)' },
  // datetime_field_overflow, invalid_time_zone_displacement_value, invalid_datetime_format
  '22008': { fields: ['occurred_at'], message: 'is outside the range of timestamps that can be stored' },
  '22009': { fields: ['occurred_at'], message: 'is outside the range of timestamps that can be stored' },
  '22007': { fields: ['occurred_at'], message: 'is not a timestamp that can be stored' },
  // string_data_right_truncation
  '22001': { fields: ['action', 'title'], message: 'is too long to be stored' },
};

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether PostgreSQL refused the data itself, so the statements that sent it are at fault and nothing else is. */
export function isRefusedData(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && [DATA_EXCEPTION, INTEGRITY_CONSTRAINT_VIOLATION, PROGRAM_LIMIT_EXCEEDED].includes(state.slice(0, 2));
}

/**
 * The public error for a submission of `count` events that PostgreSQL refused, naming the fields
 * the refusal concerns (PostgreSQL does not say which event of a batch); undefined for any other
 * error, which stays a 500 (or a 503 for an outage).
 */
export function refusedError(err: unknown, count: number): ApiError | undefined {
  if (!isRefusedData(err)) return undefined;
  const state = sqlState(err)!;
  if (state === FOREIGN_KEY_VIOLATION) {
    // A sink or the tenant went away while the events were stored: the request itself was fine.
    return new ApiError(409, 'conflict', 'A sink changed while the events were stored; nothing was stored. Retry.');
  }
  const meaning = MEANINGS[state] ?? { fields: ['(body)'], message: 'holds a value that cannot be stored' };
  const at = (field: string) => (field === '(body)' ? field : count === 1 ? field : `events.*.${field}`);
  const details: ErrorDetail[] = meaning.fields.map((field) => ({ path: at(field), message: meaning.message, code: `sqlstate_${state}` }));
  const what = count === 1 ? 'The event' : 'An event of the batch';
  return new ApiError(400, 'invalid_request', `${what} could not be stored: one of the named fields ${meaning.message}. Nothing was stored.`, details);
}
