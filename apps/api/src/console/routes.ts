import { z } from 'zod';
import { json, type RouteDeclaration } from '../openapi/declare.js';
import { signInBody } from './session-router.js';

const session = z
  .strictObject({
    tenant_id: z.uuid(),
    token_id: z.uuid(),
    scopes: z.array(z.string()),
    plan: z.enum(['free', 'team', 'enterprise']),
    operator: z.boolean().meta({ description: 'Whether the token is an operator token (the queue dashboard at /admin/queues).' }),
    expires_at: z.string(),
    csrf_token: z.string().meta({ description: 'Send as `x-csrf-token` with every request made with the cookie that is not GET or HEAD.' }),
  })
  .meta({ description: 'A console session.' });
const envelope = z.strictObject({ session });

const COOKIE = 'Sets `tocsin_session`: httpOnly, SameSite=Strict, Path=/, Secure over HTTPS; it holds a random session secret, never the token.';

/**
 * The console's sign-in, for the OpenAPI document (openapi/routes.ts spreads these into ROUTES).
 * The cookie is an alternative to the bearer header for every route of the document.
 */
export const CONSOLE_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'post',
    path: '/console/session',
    operationId: 'consoleSignIn',
    tag: 'Operations',
    summary: 'Sign in to the console with an API token',
    description: `${COOKIE} Refused from another site (Origin, Sec-Fetch-Site). The session lasts 12 hours and ends when its token is revoked.`,
    access: 'public',
    body: signInBody,
    responses: { 201: { description: 'Signed in.', content: json(envelope) } },
    errors: { 401: ['unauthenticated'], 403: ['csrf_failed'] },
  },
  {
    method: 'get',
    path: '/console/session',
    operationId: 'consoleSession',
    tag: 'Operations',
    summary: 'The console session of the cookie, with its CSRF token',
    access: 'public',
    responses: { 200: { description: 'The session.', content: json(envelope) } },
    errors: { 401: ['unauthenticated'] },
  },
  {
    method: 'delete',
    path: '/console/session',
    operationId: 'consoleSignOut',
    tag: 'Operations',
    summary: 'Sign out: revokes the session and clears the cookie',
    description: 'Needs the `x-csrf-token` header while the session is live.',
    access: 'public',
    responses: { 204: { description: 'Signed out.' } },
    errors: { 403: ['csrf_failed'] },
  },
];
