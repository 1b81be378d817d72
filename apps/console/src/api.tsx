/**
 * The console's only way to the api: the public REST API (/v1/...) on the same origin, with the
 * session cookie (httpOnly: this code never sees it) and, on anything that changes state, the
 * session's CSRF token in `x-csrf-token` (apps/api/src/auth/session.ts).
 */
export interface Session {
  tenant_id: string;
  token_id: string;
  scopes: string[];
  plan: 'free' | 'team' | 'enterprise';
  operator: boolean;
  expires_at: string;
  csrf_token: string;
}

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

let csrf = '';
let onSignedOut: () => void = () => undefined;

export function useSession(session: Session | null, signedOut: () => void): void {
  csrf = session?.csrf_token ?? '';
  onSignedOut = signedOut;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | undefined)?.error;
    if (res.status === 401 && !path.startsWith('/console/session')) onSignedOut();
    throw new ApiFailure(res.status, error?.code ?? 'error', error?.message ?? `The api answered ${res.status}.`, error?.details ?? []);
  }
  return json as T;
}

export async function currentSession(): Promise<Session | null> {
  try {
    return (await api<{ session: Session }>('GET', '/console/session')).session;
  } catch {
    return null;
  }
}

export async function signIn(token: string): Promise<Session> {
  return (await api<{ session: Session }>('POST', '/console/session', { token })).session;
}

export async function signOut(): Promise<void> {
  await api('DELETE', '/console/session');
}

export interface Sink {
  id: string;
  name: string;
  description: string;
  event_sink_type: string;
  configuration: Record<string, Record<string, unknown>>;
  events: string[];
  min_severity: string;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface Delivery {
  id: string;
  event_id: string;
  action: string | null;
  state: string;
  attempts: number;
  last_status: number | null;
  last_error_code: string | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface Attempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: string;
  status_code: number | null;
  error_code: string | null;
  error_message: string | null;
  response_body: string | null;
}

export interface DeliveryDetail extends Delivery {
  attempt_log: Attempt[];
  event: { id: string; action: string; title: string; severity: string } | null;
}

export interface TestResult {
  outcome: string;
  status: number | null;
  duration_ms: number;
  error_code: string | null;
  error_message: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  token?: string;
}

export interface CatalogEntry {
  constant: string;
  action: string;
  title: string;
  category: string | null;
  source: string;
  group: string;
  severity: string;
  push: boolean;
  description?: string;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Every delivery of a sink created since `since`, newest first (all pages, bounded). */
export async function deliveriesSince(sinkId: string, since: Date, maxPages = 10): Promise<Delivery[]> {
  const out: Delivery[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const q = new URLSearchParams({ since: since.toISOString(), limit: '1000' });
    if (cursor) q.set('cursor', cursor);
    const res: { deliveries: Delivery[]; next_cursor: string | null } = await api('GET', `/v1/event_sink/${sinkId}/deliveries?${q}`);
    out.push(...res.deliveries);
    cursor = res.next_cursor;
    if (!cursor) break;
  }
  return out;
}

export function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
