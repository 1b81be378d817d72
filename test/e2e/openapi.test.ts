import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildDocument } from '../../apps/api/src/openapi/document.js';
import { ROUTES } from '../../apps/api/src/openapi/routes.js';
import { openApiPath, servedRoutes } from '../../apps/api/src/openapi/served-routes.js';
import { responseChecker } from '../support/openapi.js';
import { eventually, startSystem, type System } from '../support/system.js';

let sys: System;
let tenant: { tenantId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  tenant = await sys.tenant('enterprise');
});
afterAll(async () => sys?.close());

/** The tenant's stream as NDJSON records, once it holds `count` (a read sees a commit shortly after it). */
function streamed(token: string, count: number): Promise<unknown[]> {
  return eventually(async () => {
    const res = await fetch(`${sys.url}/events/v1`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
    return lines.length >= count ? lines : undefined;
  }, 20_000, `${count} records in the stream`);
}

describe('the document and the app agree', () => {
  test('the document lists exactly the (method, path) pairs the running app serves', () => {
    // The running server's request listener is the Express app itself.
    const app = sys.api.server.listeners('request')[0] as unknown as { router: unknown };
    const served = new Set(servedRoutes(app).map((r) => `${r.method} ${openApiPath(r.path)}`));
    const declared = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    expect(served.size).toBeGreaterThan(5);
    // Each list names what is missing from the other: add an entry to openapi/routes.ts for the first.
    expect({
      servedButNotDeclared: [...served].filter((r) => !declared.has(r)).sort(),
      declaredButNotServed: [...declared].filter((r) => !served.has(r)).sort(),
    }).toEqual({ servedButNotDeclared: [], declaredButNotServed: [] });
  });

  test('GET /openapi.json needs no token, is the document built from the table, and validates as OpenAPI 3.1', async () => {
    const res = await sys.request('GET', '/openapi.json', undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildDocument(ROUTES))));
    const validator = new Validator();
    expect(await validator.validate(res.body)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    expect((await sys.request('GET', '/openapi.json', tenant.token)).body).toEqual(res.body);
  });

  test('real answers match the schemas the document declares for them', async () => {
    const check = responseChecker((await sys.request('GET', '/openapi.json', undefined)).body);
    const problems: string[] = [];
    const expectAnswer = async (method: string, path: string, docPath: string, token: string | undefined, status: number, body?: unknown, headers?: Record<string, string>) => {
      const res = await sys.request(method, path, token, body, headers);
      expect([method, path, res.status]).toEqual([method, path, status]);
      problems.push(...check(method, docPath, res.status, res.body));
      return res.body;
    };
    const writer = await sys.token(tenant.tenantId, ['events:write']);

    await expectAnswer('GET', '/healthz', '/healthz', undefined, 200);
    await expectAnswer('GET', '/readyz', '/readyz', undefined, 200);
    await expectAnswer('GET', '/v1/catalog', '/v1/catalog', tenant.token, 200);
    await expectAnswer('GET', '/v1/catalog?push=maybe', '/v1/catalog', tenant.token, 400);
    await expectAnswer('GET', '/v1/catalog', '/v1/catalog', undefined, 401);

    const created = await expectAnswer('POST', '/v1/event_sink', '/v1/event_sink', tenant.token, 201, {
      name: 'hook',
      event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
    });
    const id = (created as { event_sink: { id: string } }).event_sink.id;
    await expectAnswer('POST', '/v1/event_sink', '/v1/event_sink', tenant.token, 400, { name: 'x', event_sink_args: { Nope: {} } });
    await expectAnswer('POST', '/v1/event_sink', '/v1/event_sink', tenant.token, 415, 'name=x', { 'content-type': 'text/plain' });
    await expectAnswer('GET', '/v1/event_sink', '/v1/event_sink', tenant.token, 200);
    await expectAnswer('GET', '/v1/event_sink', '/v1/event_sink', writer, 403);
    await expectAnswer('GET', `/v1/event_sink/${id}`, '/v1/event_sink/{id}', tenant.token, 200);
    await expectAnswer('GET', '/v1/event_sink/not-a-uuid', '/v1/event_sink/{id}', tenant.token, 400);
    await expectAnswer('DELETE', `/v1/event_sink/${id}`, '/v1/event_sink/{id}', tenant.token, 200);
    await expectAnswer('DELETE', `/v1/event_sink/${id}`, '/v1/event_sink/{id}', tenant.token, 404);

    // A tenant of its own for the Events API: its stream holds only the events sent here (see the next test).
    const reader = await sys.tenant('enterprise');
    const producer = await sys.token(reader.tenantId, ['events:write']);
    const alice = { id: 'u-1', type: 'User', name: 'alice' };
    await expectAnswer('POST', '/v1/events', '/v1/events', producer, 202, { action: 'CREDENTIAL_EXPOSURE_DETECTED', severity: 'high', actor: alice, resource: { id: 'r-1', type: 'Secret', name: null } });
    await expectAnswer('POST', '/v1/events', '/v1/events', producer, 202, { events: [{ action: 'MFA_RECOVERY_REQUESTED', actor: alice, source_ip: '10.0.0.1' }, { action: 'custom.thing', detail: { a: 1 } }] });
    await expectAnswer('POST', '/v1/events', '/v1/events', producer, 400, { events: [{ action: 'x', colour: 'red' }] });
    const lines = await streamed(reader.token, 3);
    expect(lines).toHaveLength(3);
    await expectAnswer('GET', '/events/v1?limit=5', '/events/v1', reader.token, 200);
    for (const line of lines) problems.push(...check('GET', '/events/v1', 200, line, 'application/x-ndjson'));

    expect(problems).toEqual([]);
  });

  // Found by this comparison: a party sent in part (`{"id": "u-1"}`) must still read back with the
  // normalized record's `type` and `name` keys (design §4, EventRecord).
  test('records keep the normalized party shape when a party is sent in part, and for configuration events', async () => {
    const check = responseChecker((await sys.request('GET', '/openapi.json', undefined)).body);
    const t = await sys.tenant('enterprise');
    const producer = await sys.token(t.tenantId, ['events:write']);
    await sys.request('POST', '/v1/events', producer, { action: 'SSO_LOGIN_FAILED', actor: { id: 'u-1' } });
    await sys.request('POST', '/v1/event_sink', t.token, { name: 'hook', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } } });
    const lines = await streamed(t.token, 2);
    expect(lines).toHaveLength(2);
    expect(lines.flatMap((line) => check('GET', '/events/v1', 200, line, 'application/x-ndjson'))).toEqual([]);
  });
});

describe('/docs', () => {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

  test('renders the document with Swagger UI from the npm package, under a strict Content-Security-Policy', async () => {
    const res = await fetch(`${sys.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]));
    expect(csp).not.toMatch(/unsafe-|\*|https?:/);
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//); // nothing from another host
    expect(html).not.toMatch(/<script>|<style|style=|on\w+=/); // nothing inline that the policy would block

    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/docs\/assets\/[\w.-]+$/);
      const asset = await fetch(sys.url + ref);
      expect([ref, asset.status]).toEqual([ref, 200]);
      const bytes = Buffer.from(await asset.arrayBuffer());
      const file = ref.slice('/docs/assets/'.length);
      if (file === 'tocsin-docs.js') {
        expect(asset.headers.get('content-type')).toMatch(/javascript/);
        expect(bytes.toString()).toContain("url: '/openapi.json'");
        expect(bytes.toString()).toContain('validatorUrl: null');
      } else {
        // Served byte for byte from the installed package.
        expect(bytes.equals(readFileSync(join(pkgDir, file)))).toBe(true);
      }
    }
  });

  test('the package’s demo page and initializer (which load petstore.swagger.io) are not served', async () => {
    for (const file of ['index.html', 'swagger-initializer.js', 'package.json', '../package.json']) {
      const res = await sys.request('GET', `/docs/assets/${file}`, undefined);
      expect([file, res.status, res.body.error?.code]).toEqual([file, 404, 'not_found']);
    }
    expect(readFileSync(join(pkgDir, 'swagger-initializer.js'), 'utf8')).toContain('petstore.swagger.io');
  });
});

describe('unknown paths and methods', () => {
  test.each([
    ['no token', undefined],
    ['an invalid token', 'tct_not-a-real-token'],
    ['a valid token', 'valid'],
  ])('an unknown path is 404 not_found with %s', async (_name, given) => {
    const token = given === 'valid' ? tenant.token : given;
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/v1'],
      ['GET', `/v1/event_sink/${randomUUID()}/nope`],
      ['DELETE', '/v1/catalogue'],
      ['GET', '/docs/assets/missing.js'],
    ] as const) {
      const res = await sys.request(method, path, token);
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, 'not_found']);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    // Decided before the body is looked at: not a 415 for a body that is not JSON.
    const posted = await sys.request('POST', '/nope', token, 'hello', { 'content-type': 'text/plain' });
    expect([posted.status, posted.body.error.code]).toEqual([404, 'not_found']);
  });

  test.each([
    ['no token', undefined],
    ['a valid token', 'valid'],
  ])('a known path with another method is 405 method_not_allowed with Allow, with %s', async (_name, given) => {
    const token = given === 'valid' ? tenant.token : given;
    const cases: [string, string, string[]][] = [
      ['DELETE', '/v1/catalog', ['GET', 'HEAD']],
      ['POST', '/healthz', ['GET', 'HEAD']],
      ['PUT', '/openapi.json', ['GET', 'HEAD']],
      ['OPTIONS', '/v1/catalog', ['GET', 'HEAD']],
      ['PATCH', `/v1/event_sink/${randomUUID()}`, ['GET', 'HEAD', 'DELETE']],
      ['DELETE', '/v1/event_sink', ['GET', 'HEAD', 'POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await sys.request(method, path, token);
      expect([method, path, res.status]).toEqual([method, path, 405]);
      const allow = (res.headers.get('allow') ?? '').split(', ');
      expect(allow).toEqual(expect.arrayContaining(allowed));
      expect(res.body.error.code).toBe('method_not_allowed');
    }
  });

  test('known paths still match as Express matches them: letter case, trailing slash, HEAD for GET', async () => {
    expect((await sys.request('GET', '/V1/Catalog', tenant.token)).status).toBe(200);
    expect((await sys.request('GET', '/v1/catalog/', tenant.token)).status).toBe(200);
    expect((await sys.request('HEAD', '/v1/catalog', tenant.token)).status).toBe(200);
    expect((await sys.request('HEAD', '/openapi.json', undefined)).status).toBe(200);
    // A known path without a token is still a 401, not a 404.
    expect((await sys.request('GET', '/v1/event_sink', undefined)).status).toBe(401);
  });
});
