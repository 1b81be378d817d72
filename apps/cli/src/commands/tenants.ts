import { parseArgs } from 'node:util';
import { createTenant, createToken, planSchema, scopesSchema } from '@tocsin/api';
import { runtime, withDatabase } from '../runtime.js';

export async function tenantCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, plan: { type: 'string', default: 'free' }, json: { type: 'boolean' } } });
  if (!values.name) throw new Error('--name is required');
  const plan = planSchema.parse(values.plan);
  const { config } = runtime({ command: 'tenant create' });
  const created = await withDatabase(config, (db) => createTenant(db, values.name!, plan));
  process.stdout.write(values.json ? `${JSON.stringify(created)}\n` : `tenant ${created.tenant_id}\nadmin token (shown once): ${created.token}\n`);
  return 0;
}

export async function tokenCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string', default: 'cli' }, json: { type: 'boolean' } },
  });
  if (!values.tenant || !values.scopes) throw new Error('--tenant and --scopes are required');
  const scopes = scopesSchema.parse(values.scopes.split(',').map((s) => s.trim()));
  const { config } = runtime({ command: 'token create' });
  const created = await withDatabase(config, (db) => createToken(db, values.tenant!, scopes, values.name));
  process.stdout.write(values.json ? `${JSON.stringify({ tenant_id: values.tenant, ...created })}\n` : `token (shown once): ${created.token}\n`);
  return 0;
}
