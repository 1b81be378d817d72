import { parseArgs } from 'node:util';
import { INITIAL_TOKEN_NAME, createOperatorToken, createTenant, createToken, listTenants, planSchema, scopesSchema, setTenantPlan, tenantIdSchema, tokenCreatedChange, withOperator } from '@tocsin/api';
import { createLogger, type Config } from '@tocsin/config';
import { runtime, withDatabase } from '../runtime.js';

/** The actor of changes made from the command line (type PlatformAdmin). */
const OPERATOR = 'cli';

/** Logs go to stderr: stdout carries the answer (--json). */
const stderrLogger = (config: Config, command: string) => createLogger(config.LOG_LEVEL, { command }, process.stderr);

export async function tenantCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, plan: { type: 'string', default: 'free' }, json: { type: 'boolean' } } });
  if (!values.name) throw new Error('--name is required');
  const plan = planSchema.parse(values.plan);
  const { config } = runtime({ command: 'tenant create' });
  const created = await withOperator(config, stderrLogger(config, 'tenant create'), async ({ db, audit }) => {
    const tenant = await createTenant(db, values.name!, plan);
    await audit.record({ tenantId: tenant.tenant_id, operator: OPERATOR }, tokenCreatedChange({ id: tenant.token_id, name: INITIAL_TOKEN_NAME, prefix: tenant.prefix, scopes: ['admin'] }));
    return tenant;
  });
  const shown = { tenant_id: created.tenant_id, token: created.token };
  process.stdout.write(values.json ? `${JSON.stringify(shown)}\n` : `tenant ${shown.tenant_id}\nadmin token (shown once): ${shown.token}\n`);
  return 0;
}

export async function tokenCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string', default: 'cli' }, json: { type: 'boolean' } },
  });
  if (!values.tenant || !values.scopes) throw new Error('--tenant and --scopes are required');
  const scopes = scopesSchema.parse(values.scopes.split(',').map((s) => s.trim()));
  const tenantId = tenantIdSchema.safeParse(values.tenant);
  if (!tenantId.success) throw new Error('--tenant must be a tenant id (see tocsin tenant list)');
  const { config } = runtime({ command: 'token create' });
  const created = await withOperator(config, stderrLogger(config, 'token create'), async ({ db, audit }) => {
    const token = await createToken(db, tenantId.data, scopes, values.name);
    await audit.record({ tenantId: tenantId.data, operator: OPERATOR }, tokenCreatedChange({ id: token.token_id, name: values.name!, prefix: token.prefix, scopes }));
    return token;
  });
  process.stdout.write(values.json ? `${JSON.stringify({ tenant_id: tenantId.data, ...created })}\n` : `token (shown once): ${created.token}\n`);
  return 0;
}

/** An operator token: an admin token of the tenant that also opens the queue dashboard (/admin/queues). */
export async function operatorTokenCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { tenant: { type: 'string' }, name: { type: 'string', default: 'operator' }, json: { type: 'boolean' } } });
  const tenantId = tenantIdSchema.safeParse(values.tenant);
  if (!tenantId.success) throw new Error('--tenant must be a tenant id (see tocsin tenant list); give operators a tenant of their own');
  const { config } = runtime({ command: 'operator token create' });
  const created = await withOperator(config, stderrLogger(config, 'operator token create'), async ({ db, audit }) => {
    const token = await createOperatorToken(db, tenantId.data, values.name);
    await audit.record({ tenantId: tenantId.data, operator: OPERATOR }, tokenCreatedChange({ id: token.token_id, name: values.name!, prefix: token.prefix, scopes: ['admin'] }));
    return token;
  });
  process.stdout.write(values.json ? `${JSON.stringify({ tenant_id: tenantId.data, ...created })}\n` : `operator token (shown once): ${created.token}\n`);
  return 0;
}

export async function tenantList(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const { config } = runtime({ command: 'tenant list' });
  const tenants = await withDatabase(config, listTenants);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ tenants })}\n`);
    return 0;
  }
  const rows = [['TENANT', 'PLAN', 'CREATED', 'NAME'], ...tenants.map((t) => [t.tenant_id, t.plan, t.created_at, t.name])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n');
  return 0;
}

export async function tenantSetPlan(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { tenant: { type: 'string' }, plan: { type: 'string' }, json: { type: 'boolean' } } });
  const tenantId = tenantIdSchema.safeParse(values.tenant);
  if (!tenantId.success) throw new Error('--tenant must be a tenant id (see tocsin tenant list)');
  const plan = planSchema.safeParse(values.plan);
  if (!plan.success) throw new Error(`--plan must be one of ${planSchema.options.join(', ')}`);
  const { config } = runtime({ command: 'tenant set-plan' });
  const change = await withOperator(config, stderrLogger(config, 'tenant set-plan'), (deps) => setTenantPlan(deps, tenantId.data, plan.data, OPERATOR));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(change)}\n`);
    return 0;
  }
  const lines = [`tenant ${change.tenant_id}: ${change.previous_plan} → ${change.plan}`];
  if (change.disabled_sinks.length > 0) {
    lines.push(`disabled ${change.disabled_sinks.length} event sink(s) the ${change.plan} plan does not allow (kept, disabled_reason plan_downgraded):`);
    for (const sink of change.disabled_sinks) lines.push(`  ${sink.id}  ${sink.event_sink_type}  ${sink.name}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
