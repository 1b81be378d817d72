import { pino, type Logger } from 'pino';
import { secretFieldNames } from '@tocsin/channels';

/** Settings that are credentials (packages/config/src/config.ts). */
const ENV_SECRETS = ['TOCSIN_ENCRYPTION_KEY', 'TOCSIN_ENCRYPTION_KEYS_OLD', 'TOCSIN_JWT_SECRET', 'TOCSIN_METRICS_TOKEN'];

/**
 * Paths censored in every log line. Secrets are also a type that prints `[REDACTED]`; this is the
 * second fence for things that arrive as plain strings (headers, raw configs). Every secret field
 * a channel declares is covered, at the top level and one level down; adding a channel needs no
 * edit here.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  '*.token',
  // The environment's own secrets, should a config or env object reach a log line.
  ...ENV_SECRETS.flatMap((name) => [name, `*.${name}`]),
  ...secretFieldNames().flatMap((field) => [field, `*.${field}`]),
  'config',
  '*.config',
];

/**
 * A logger writing JSON lines to `destination`, by default stdout. Stdout is written
 * asynchronously: lines that arrive while a write is in flight go out together in the next one,
 * so a busy api writes a few times per event-loop turn, not once per request (a synchronous write
 * per line cost the api 10% of its ingest rate). Lines still buffered when the process exits,
 * by process.exit too, are written synchronously on the way out (pino registers that); only a
 * SIGKILL can lose the few in flight.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: bindings, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, destination ?? pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
