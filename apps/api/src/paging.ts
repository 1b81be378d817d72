import { z } from 'zod';

/** Page size when the client names none, and the largest it may ask for, on every listing. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** `limit`: a page size from 1 to MAX_LIMIT, as a query string carries it. */
export const limitParam = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_LIMIT));

/** `cursor`: the `next_cursor` of the previous page (signed-cursor.ts). */
export const cursorParam = z.string().min(1).max(1024);
