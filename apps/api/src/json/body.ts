import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors.js';
import { JsonEncodingError, JsonRefusal, JsonSyntaxError, parseStrictJson, type JsonPath } from './strict-json.js';

/** Content encodings body-parser inflates (Node 20 has no zstd). */
const ENCODINGS = 'gzip, deflate or br';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

export const pathText = (path: JsonPath): string => (path.length === 0 ? '(body)' : path.join('.'));

/** What reading the body (body-parser, raw-body, zlib) failed with, as a public error. */
function readError(err: { type?: string; status?: number; encoding?: string }, contentEncoding: string): ApiError | unknown {
  if (err.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'The body is larger than 1 MiB (after decompression).');
  if (err.type === 'encoding.unsupported') {
    return new ApiError(415, 'unsupported_media_type', `Content-Encoding ${err.encoding ?? contentEncoding} is not supported; send ${ENCODINGS}, or none.`);
  }
  // The client went away before the body was in: nobody reads this answer, but it is no server fault.
  if (err.type === 'request.aborted') return new ApiError(400, 'request_aborted', 'The request ended before its body was complete.');
  if (contentEncoding !== 'identity') {
    // zlib's "unexpected end of file", a bad header or checksum: the body is cut short or is not what its Content-Encoding says.
    return new ApiError(400, 'invalid_content_encoding', `The body could not be decompressed as Content-Encoding ${contentEncoding}: it is truncated or corrupt.`);
  }
  if (err.type === 'request.size.invalid') return new ApiError(400, 'invalid_json', 'The body is shorter or longer than its Content-Length.');
  return err;
}

/**
 * Reads `application/json` bodies of every route: body-parser reads and inflates the bytes (its
 * limit counts decompressed bytes, so a zip bomb is a 413), then the text must be UTF-8 and is
 * parsed by {@link parseStrictJson}. Every refusal happens here, before any route runs: a
 * malformed, ambiguous or unstorable body never reaches a transaction. As with express.json, a
 * request without a body leaves `req.body` undefined, and an empty JSON body reads as `{}`.
 */
export function jsonBody(limit: string): RequestHandler {
  const raw = express.raw({ type: 'application/json', limit });
  return (req, res, next) => {
    raw(req, res, (err?: unknown) => {
      const contentEncoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (err) return next(readError(err as { type?: string }, contentEncoding));
      if (!Buffer.isBuffer(req.body)) return next();
      const charset = CHARSET.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        return next(new ApiError(415, 'unsupported_media_type', 'The body must be UTF-8 JSON.'));
      }
      if (req.body.length === 0) {
        // body-parser's rule, kept: an empty body is a common client mistake for `{}`.
        req.body = {};
        return next();
      }
      try {
        req.body = parseStrictJson(req.body);
      } catch (e) {
        if (e instanceof JsonEncodingError) return next(new ApiError(400, 'invalid_json', 'The body is not valid UTF-8.', [{ path: '(body)', message: e.message }]));
        if (e instanceof JsonSyntaxError) return next(new ApiError(400, 'invalid_json', 'The body is not valid JSON.', [{ path: '(body)', message: e.message }]));
        if (e instanceof JsonRefusal) {
          return next(new ApiError(400, 'invalid_request', 'The body is JSON that cannot be stored exactly as sent.', [{ path: pathText(e.path), message: e.message, code: e.code }]));
        }
        return next(e);
      }
      next();
    });
  };
}
