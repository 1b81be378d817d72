/**
 * Hostile bodies on every write route (fast-check): never a 5xx, and a refused request (4xx)
 * changes no stored row. The routes come from the OpenAPI table, so a new write route is fuzzed
 * without an edit here.
 */
import fc from 'fast-check';
import { ROUTES } from '../../apps/api/src/openapi/routes.js';
import { startSystem, type System } from '../support/system.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
let sys: System;
let tenant: { tenantId: string; token: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  tenant = await sys.tenant('enterprise');
  const sink = await sys.request('POST', '/v1/event_sink', tenant.token, { name: 'fuzz', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } } });
  ids.sink = sink.body.event_sink.id;
});
afterAll(async () => sys?.close());

/** Every row the tenant can see, as one digest per table. */
async function state(): Promise<Record<string, string>> {
  const tables = ['event_sink', 'audit_event', 'delivery', 'delivery_attempt', 'api_token', 'sink_test'];
  return sys.db.withTenant(tenant.tenantId, async (tx) => {
    const out: Record<string, string> = {};
    for (const table of tables) {
      const [row] = await tx.$queryRawUnsafe<{ digest: string | null }[]>(`SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${table} t`);
      out[table] = row!.digest ?? '';
    }
    return out;
  });
}

/** Bodies a hostile or broken client sends: any JSON, objects with the route's own keys and wrong values, deep nesting, huge strings. */
const keys = ['name', 'description', 'event_sink_args', 'events', 'min_severity', 'enabled', 'tenant_id', 'id', 'action', 'severity', 'scopes', 'since', 'detail', 'actor', 'Webhook', 'url', 'secret', '__proto__', 'constructor'];
const value = fc.oneof(fc.jsonValue(), fc.string({ maxLength: 3_000 }), fc.constantFrom('http://169.254.169.254/', 'https://10.0.0.1/x', '\r\nX-Injected: 1', '[REDACTED]', '*', '💥'.repeat(200)));
const body = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 }),
  fc.record({ event_sink_args: fc.dictionary(fc.constantFrom('Webhook', 'Slack', 'Splunk', 'Nope'), fc.dictionary(fc.constantFrom('url', 'secret', 'token', 'webhook_url', 'x'), value)) }, { requiredKeys: [] }),
  fc.letrec((tie) => ({ node: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 3 })) })).node,
);

const writeRoutes = ROUTES.filter((r) => r.method !== 'get');

test.each(writeRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, route) => {
  await fc.assert(
    fc.asyncProperty(body, fc.constantFrom('own', 'random', 'garbage'), async (sent, idKind) => {
      const id = idKind === 'own' ? ids.sink! : idKind === 'random' ? '6f1d0c8e-3b1a-4c2e-9d7f-0a1b2c3d4e5f' : 'x%00y';
      const path = route.path.replace('{id}', id);
      const before = await state();
      const res = await sys.request(route.method.toUpperCase(), path, tenant.token, JSON.stringify(sent));
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body.error.code).toEqual(expect.any(String));
        expect(await state()).toEqual(before);
      }
    }),
    { numRuns: RUNS },
  );
}, 120_000);
