import express, { Router } from 'express';
import { z } from 'zod';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildDocument, impliedErrors } from './document.js';
import type { RouteDeclaration } from './declare.js';
import { ROUTES } from './routes.js';
import { RouteIndex, openApiPath, servedRoutes } from './served-routes.js';

const doc = buildDocument(ROUTES);
type Operation = { parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: Record<string, any> }> }; responses: Record<string, { description: string }>; security: unknown[] };
const op = (method: string, path: string) => (doc.paths[path] as Record<string, Operation>)[method]!;

describe('the OpenAPI document', () => {
  test('validates as OpenAPI 3.1 with an independent validator, which does refuse a broken copy', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');

    // The validator is not agreeing with anything: a parameter without `in` is refused.
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, Operation>> };
    delete (broken.paths['/v1/catalog']!.get!.parameters![0] as Partial<{ in: string }>).in;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  test('every schema in it compiles as JSON Schema 2020-12, strict about unknown keywords', () => {
    const ajv = new Ajv2020({ strict: true });
    (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default(ajv);
    const schemas: unknown[] = [];
    const collect = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      if ('schema' in node && typeof node.schema === 'object' && node.schema !== null && !('$ref' in node.schema)) schemas.push(node.schema);
      Object.values(node).forEach(collect);
    };
    collect(doc.paths);
    expect(schemas.length).toBeGreaterThan(20);
    for (const schema of [...schemas, doc.components.schemas.Error]) expect(() => ajv.compile(schema as object)).not.toThrow();
  });

  test('request schemas are the routes’ own, input side: defaults optional and shown, transforms as what they accept', () => {
    const body = op('post', '/v1/event_sink').requestBody!.content['application/json']!.schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(['name', 'event_sink_args']);
    expect(body.properties.min_severity).toMatchObject({ default: 'low', enum: ['low', 'medium', 'high', 'critical'] });
    expect(body.properties.events.default).toEqual(['*']);

    const catalog = op('get', '/v1/catalog').parameters!;
    expect(catalog.map((p) => [p.name, p.in, p.required])).toEqual([
      ['category', 'query', false],
      ['push', 'query', false],
      ['source', 'query', false],
    ]);
    // `push` is parsed to a boolean; in a query string it is text.
    expect(catalog[1]!.schema).toEqual({ type: 'string', enum: ['true', 'false'] });
    expect(op('get', '/events/v1').parameters!.map((p) => p.name)).toEqual(['from', 'to', 'limit', 'cursor']);
    expect(op('get', '/v1/event_sink/{id}').parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ format: 'uuid' }) }]);

    const ingest = op('post', '/v1/events').requestBody!.content['application/json']!.schema;
    expect(ingest.anyOf).toHaveLength(2);
    expect(ingest.anyOf[1].properties.events).toMatchObject({ minItems: 1, maxItems: 1000, items: { required: ['action'] } });
  });

  test('errors use the shared envelope, with the statuses and codes a route implies', () => {
    const get = op('get', '/v1/event_sink/{id}');
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(get.responses['403']!.description).toContain('`insufficient_scope`');
    expect(get.security).toEqual([{ bearer: ['sinks:admin'] }]);
    expect((get.responses['404'] as unknown as { content: unknown }).content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
    expect(impliedErrors(ROUTES.find((r) => r.operationId === 'readEvents')!).get(403)).toEqual(['insufficient_scope', 'plan_required']);
    expect(impliedErrors(ROUTES.find((r) => r.operationId === 'createEventSink')!).get(403)).toEqual(['insufficient_scope', 'plan_required', 'tenant_mismatch']);

    const health = op('get', '/healthz');
    expect(health.security).toEqual([]);
    expect(Object.keys(health.responses)).toEqual(['200']);
    expect(op('get', '/v1/catalog').security).toEqual([{ bearer: [] }]);
  });

  test('a route or operationId declared twice is refused', () => {
    const route: RouteDeclaration = { method: 'get', path: '/x', operationId: 'x', tag: 'Operations', summary: 'x', access: 'public', responses: { 200: { description: 'x' } } };
    expect(() => buildDocument([route, { ...route, operationId: 'y' }])).toThrow('GET /x is declared twice');
    expect(() => buildDocument([route, { ...route, method: 'post' }])).toThrow('operationId x is used twice');
  });

  test('a schema zod cannot represent fails the build instead of being documented wrongly', () => {
    const route: RouteDeclaration = { method: 'get', path: '/x', operationId: 'x', tag: 'Operations', summary: 'x', access: 'public', responses: { 200: { description: 'x', content: { 'application/json': z.date() } } } };
    expect(() => buildDocument([route])).toThrow();
  });
});

describe('the served-route index', () => {
  const app = express();
  const inner = Router();
  inner.get('/v1/things', (_req, res) => void res.end());
  inner.post('/v1/things', (_req, res) => void res.end());
  inner.delete('/v1/things/:thing_id', (_req, res) => void res.end());
  inner.use('/v1/things', (_req, _res, next) => next()); // middleware: not a route
  const mounted = Router();
  mounted.get('/status', (_req, res) => void res.end());
  app.use(inner);
  app.use('/admin', mounted);
  app.get('/', (_req, res) => void res.end());

  test('walks nested and mounted routers; middleware is not a route', () => {
    expect(servedRoutes(app)).toEqual([
      { method: 'GET', path: '/v1/things' },
      { method: 'POST', path: '/v1/things' },
      { method: 'DELETE', path: '/v1/things/:thing_id' },
      { method: 'GET', path: '/admin/status' },
      { method: 'GET', path: '/' },
    ]);
    expect(openApiPath('/v1/things/:thing_id')).toBe('/v1/things/{thing_id}');
  });

  test('matches as Express does: case-insensitive, optional trailing slash, a parameter is one segment', () => {
    const index = new RouteIndex(servedRoutes(app));
    expect(index.methodsAt('/v1/things')).toEqual(['GET', 'POST', 'HEAD']);
    expect(index.methodsAt('/V1/Things/')).toEqual(['GET', 'POST', 'HEAD']);
    expect(index.methodsAt('/v1/things/abc')).toEqual(['DELETE']);
    expect(index.methodsAt('/v1/things/abc/def')).toEqual([]);
    expect(index.methodsAt('/v1/things/')).toEqual(['GET', 'POST', 'HEAD']);
    expect(index.methodsAt('/v1/thingsX')).toEqual([]);
    expect(index.methodsAt('/')).toEqual(['GET', 'HEAD']);
  });

  test('path syntax it cannot read, and router.all, are refused rather than guessed', () => {
    const wild = express();
    wild.get('/files/*rest', (_req, res) => void res.end());
    expect(() => servedRoutes(wild)).toThrow('path syntax');
    const all = express();
    all.use(Router().all('/any', (_req, res) => void res.end()));
    expect(() => servedRoutes(all)).toThrow('router.all()');
  });
});
