import { z } from 'zod';
import { TAGS, type RouteDeclaration } from './declare.js';
import { errorEnvelope } from './responses.js';

/** Why each status is answered, for the statuses every route of a kind shares. */
const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input; `details` names each offending field. Bodies are strict JSON: no duplicate keys, no number a 64-bit float cannot hold exactly, no NUL or unpaired surrogate, at most 64 levels deep.',
  401: 'No credential, or one that is not valid.',
  403: 'Not allowed.',
  404: 'No such resource for this tenant.',
  409: 'Conflict.',
  413: 'The body is larger than 1 MiB.',
  415: 'The body is not UTF-8 JSON, or its Content-Encoding is not gzip, deflate or br.',
  503: 'A dependency is unavailable; nothing was changed. Retry after `Retry-After` seconds.',
};

const ERROR_REF = { $ref: '#/components/schemas/Error' } as const;

/**
 * The error codes a route can answer, from what it declares: authentication and scope, the
 * plan, its inputs (the shared validation and the body parser's limits), and path ids that
 * may name nothing visible to the caller (another tenant's ids are 404, row-level security).
 */
export function impliedErrors(route: RouteDeclaration): Map<number, string[]> {
  const codes = new Map<number, string[]>();
  const add = (status: number, ...list: string[]) => codes.set(status, [...(codes.get(status) ?? []), ...list]);
  if (route.params || route.query || route.body) add(400, 'invalid_request');
  // The body parser's own refusals (json/body.ts): not JSON or not UTF-8, and a compressed body cut short.
  if (route.body) add(400, 'invalid_json', 'invalid_content_encoding');
  if (route.access !== 'public') add(401, 'unauthenticated');
  if (route.access !== 'public' && route.access !== 'authenticated') add(403, 'insufficient_scope');
  if (route.plan) add(403, 'plan_required');
  if (route.params) add(404, 'not_found');
  if (route.body) add(413, 'payload_too_large');
  if (route.body) add(415, 'unsupported_media_type');
  // Authentication reads PostgreSQL, so every authenticated route can find it down.
  if (route.access !== 'public') add(503, 'unavailable');
  for (const [status, list] of Object.entries(route.errors ?? {})) add(Number(status), ...(list ?? []));
  return new Map([...codes].map(([status, list]) => [status, [...new Set(list)]]));
}

type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as a JSON Schema 2020-12 object (OpenAPI 3.1's dialect). Requests use the input
 * side, so a field with a default is optional and shows its default, and a transform shows what
 * it accepts; answers use the output side. Anything zod cannot represent fails the build of the
 * document (and so its test) rather than being documented wrongly.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'throw' }) as JsonSchema;
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema: property,
  }));
}

function content(media: Record<string, z.ZodType> | undefined) {
  if (!media) return {};
  return { content: Object.fromEntries(Object.entries(media).map(([type, schema]) => [type, { schema: jsonSchema(schema, 'output') }])) };
}

function accessText(route: RouteDeclaration): string {
  const who =
    route.access === 'public' ? 'No token needed.' : route.access === 'authenticated' ? 'Any valid token or user JWT.' : `Needs the \`${route.access}\` scope (or \`admin\`).`;
  return route.plan ? `${who} Needs the ${route.plan} plan or above.` : who;
}

function operation(route: RouteDeclaration) {
  const errors = Object.fromEntries(
    [...impliedErrors(route)].map(([status, codes]) => [
      String(status),
      { description: `${STATUS_TEXT[status] ?? 'Error.'} Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.`, content: { 'application/json': { schema: ERROR_REF } } },
    ]),
  );
  const declared = Object.fromEntries(Object.entries(route.responses).map(([status, r]) => [status, { description: r.description, ...content(r.content) }]));
  const params = [...parameters('path', route.params), ...parameters('query', route.query)];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, accessText(route)].filter(Boolean).join('\n\n'),
    // OpenAPI 3.1 lets a non-OAuth requirement list roles: here, the scope.
    security: route.access === 'public' ? [] : [{ bearer: route.access === 'authenticated' ? [] : [route.access] }],
    ...(route.access !== 'public' && route.access !== 'authenticated' ? { 'x-required-scope': route.access } : {}),
    ...(route.plan ? { 'x-required-plan': route.plan } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses: { ...declared, ...errors },
  };
}

/** The OpenAPI 3.1 document of the declared routes. Throws on a duplicate route or operationId. */
export function buildDocument(routes: readonly RouteDeclaration[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is declared twice`);
    if (ids.has(route.operationId)) throw new Error(`operationId ${route.operationId} is used twice`);
    ids.add(route.operationId);
    item[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tocsin API',
      version: '1.0.0',
      summary: 'Delivers security audit events to where security teams work.',
      description:
        'All JSON is snake_case. Authenticate with `Authorization: Bearer <token>` (tokens start with `tct_`). Every error answers `{"error": {"code", "message", "details"}}`; an unknown path is 404 `not_found` and a known path with another method 405 `method_not_allowed` with `Allow`, with or without a token.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorEnvelope, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`tct_…`) or, where configured, a user JWT with the scopes its claims grant.' },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;
