/** Errors that mean "PostgreSQL cannot be reached right now", not "the request was wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE',
  '57P01', '57P02', '57P03', // admin_shutdown, crash_shutdown, cannot_connect_now
  '53300', // too_many_connections
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  'P1001', 'P1002', 'P1017', 'P2024', // Prisma: unreachable, timed out, closed, pool timeout
]);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);

function* chain(err: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    yield current as Record<string, unknown>;
    // Prisma keeps the driver adapter's error (with its `cause.kind`) under meta.
    const c = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    current = c.meta?.driverAdapterError ?? c.cause;
  }
}

/** True when an error (or any cause) says the database is unreachable, so the caller answers 503. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of chain(err)) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.errorCode === 'string' && UNAVAILABLE_CODES.has(e.errorCode)) return true;
    if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return true;
    if (e.name === 'AggregateError') return true; // node's net connect failures (every address refused)
    if (e.name === 'PrismaClientInitializationError') return true;
  }
  return false;
}
