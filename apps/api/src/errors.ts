import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { isDatabaseUnavailable } from '@tocsin/db';
import type { Logger } from '@tocsin/config';

export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
}

/** A public error: `{"error": {"code", "message", "details"}}` with a stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function detailsFromZod(error: z.ZodError, prefix: (string | number)[] = []): ErrorDetail[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path].join('.') || '(body)', message: i.message, code: i.code }));
}

/** Parses input with a zod schema; a failure is a 400 naming every offending field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, prefix: (string | number)[] = []): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, 'invalid_request', 'The request has invalid fields.', detailsFromZod(result.error, prefix));
  return result.data;
}

/**
 * Parses a route's params, query or body. Like `parseOrThrow`, but an unknown field is named in
 * its own detail (a strict object reports them together, at the object's path).
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: 'params' | 'query' | 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap((issue): ErrorDetail[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: `is not a known ${what === 'query' ? 'query parameter' : 'field'}`, code: issue.code }))
      : [{ path: issue.path.join('.') || `(${what})`, message: issue.message, code: issue.code }],
  );
  throw new ApiError(400, 'invalid_request', `The request has invalid ${what === 'body' ? 'fields' : 'parameters'}.`, details);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}.`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // Body-reading errors arrive as ApiErrors already (json/body.ts).
    let error = err instanceof ApiError ? err : undefined;
    if (!error && isDatabaseUnavailable(err)) {
      logger.warn({ err, requestId: req.id }, 'database unavailable');
      error = new ApiError(503, 'unavailable', 'The database is unavailable; nothing was stored. Retry later.', [], { 'Retry-After': '5' });
    }
    if (!error) {
      logger.error({ err, requestId: req.id }, 'unhandled error');
      error = new ApiError(500, 'internal_error', `Something went wrong. Request id: ${req.id}.`);
    }
    res.status(error.status).set(error.headers).json({ error: { code: error.code, message: error.message, details: error.details } });
  };
}
