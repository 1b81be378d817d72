import { pino, type Logger } from 'pino';

/**
 * Paths censored in every log line. Secrets are also a type that prints `[REDACTED]`; this is the
 * second fence for things that arrive as plain strings (headers, raw configs).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.webhook_url',
  '*.routing_key',
  '*.api_key',
  '*.client_secret',
  '*.shared_key',
  'config',
  '*.config',
];

export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: bindings, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, destination);
}

export type { Logger };
