/** One line of `tocsin doctor`: a check's verdict in plain words. */
export interface CheckResult {
  /** `fail` makes doctor exit non-zero; `warn` is worth reading but works; `skip` could not run. */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  text: string;
}

export const ok = (text: string): CheckResult => ({ status: 'ok', text });
export const warn = (text: string): CheckResult => ({ status: 'warn', text });
export const fail = (text: string): CheckResult => ({ status: 'fail', text });
export const skip = (text: string): CheckResult => ({ status: 'skip', text });

const LABEL: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

export const formatResult = (r: CheckResult): string => `${LABEL[r.status]}  ${r.text}`;

/** An error's message and, for a system error, its code (ECONNREFUSED), without stacks. */
export function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: unknown[] };
  // Node's AggregateError (a connect to every address of a name failed) has an empty message.
  const message = e?.message || (e?.errors?.[0] as { message?: string } | undefined)?.message || String(err);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

/** A URL with its password, if any, hidden: what a check may print about where it connected. */
export function withoutPassword(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
