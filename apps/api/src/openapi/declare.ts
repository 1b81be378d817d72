import type { z } from 'zod';
import type { Plan } from '../auth/principal.js';
import type { Scope } from '../auth/tokens.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The sections of the document, in the order /docs shows them. */
export const TAGS = {
  Events: 'Send audit events (POST /v1/events).',
  'Events API': 'Read the tenant’s audit stream (enterprise).',
  'Event sinks': 'Integrations that receive the tenant’s events.',
  Deliveries: 'What happened to each event at each sink, and re-sending what failed.',
  'API tokens': 'Credentials for this tenant (shown once).',
  Retention: 'How long this tenant’s audit records are kept.',
  Catalog: 'The typed events and their vocabularies.',
  Operations: 'Liveness, readiness and this document.',
} as const;
export type Tag = keyof typeof TAGS;

/** A declared answer: its description and, per media type, the schema of its body (none for an empty body). */
export interface DeclaredResponse {
  description: string;
  content?: Record<string, z.ZodType>;
}

export const json = (schema: z.ZodType): Record<string, z.ZodType> => ({ 'application/json': schema });

/**
 * One route of the API, as the document declares it. The document is built from these entries
 * (document.ts); the OpenAPI test fails when the app serves a route that has none.
 *
 * `params`, `query` and `body` are the zod schemas the route validates with, so the document
 * shows what the route accepts. Error answers are implied by what is declared (see
 * `impliedErrors` in document.ts); `errors` adds the codes a route has beyond those.
 */
export interface RouteDeclaration {
  method: Method;
  /** OpenAPI form: `/v1/event_sink/{id}` (Express: `/v1/event_sink/:id`). */
  path: `/${string}`;
  /** Unique across the document, camelCase. */
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** `public`: no token; `authenticated`: any valid token or user JWT; else the scope it needs. */
  access: 'public' | 'authenticated' | Scope;
  /** The least plan the route needs (403 `plan_required` below it). */
  plan?: Plan;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answers that are not errors of the shared envelope, by status. */
  responses: Record<number, DeclaredResponse>;
  /** Error codes beyond the implied ones, by status, e.g. `{ 403: ['tenant_mismatch'] }`. */
  errors?: Partial<Record<number, string[]>>;
}
