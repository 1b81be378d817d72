import { readdir } from 'node:fs/promises';
import { Database, MIGRATIONS_DIR } from '@tocsin/db';
import type { Config } from '@tocsin/config';
import { fail, ok, reasonOf, skip, warn, withoutPassword, type CheckResult } from './check.js';

/** Prisma's bookkeeping table: not tenant data, and the only table without row-level security. */
const MIGRATIONS_TABLE = '_prisma_migrations';

type Query = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * Runs `fn` on a connection as the user in DATABASE_URL itself (`role=none` undoes the SET ROLE
 * the Database client does at connect), which may read the catalog and Prisma's table.
 */
async function asConnectingUser<T>(config: Config, fn: (query: Query) => Promise<T>): Promise<T> {
  const db = new Database({ url: config.DATABASE_URL, role: 'none', poolSize: 1 });
  try {
    return await db.sql((tx) => fn(async (sql, params) => (await tx.query(sql, params as unknown[])).rows));
  } finally {
    await db.close();
  }
}

/** Reachable, migrations current, the restricted role in place and every table under RLS. */
export async function databaseChecks(config: Config): Promise<{ results: CheckResult[]; reachable: boolean }> {
  const where = withoutPassword(config.DATABASE_URL);
  try {
    return await asConnectingUser(config, async (query) => {
      const [server] = await query<{ version: string; user: string }>("SELECT current_setting('server_version') AS version, current_user AS user");
      const results = [ok(`PostgreSQL ${server!.version} answers at ${where} (as ${server!.user})`)];
      results.push(await migrationsCheck(query));
      results.push(await roleCheck(query, config.TOCSIN_DB_ROLE));
      results.push(await rlsCheck(query));
      results.push(await setRoleCheck(config));
      return { results, reachable: true };
    });
  } catch (err) {
    return { results: [fail(`PostgreSQL does not answer at ${where}: ${reasonOf(err)}`), skip('migrations, roles and row-level security: not checked (no database)')], reachable: false };
  }
}

async function migrationsCheck(query: Query): Promise<CheckResult> {
  const known = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const [table] = await query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`public."${MIGRATIONS_TABLE}"`]);
  if (!table!.exists) return fail(`the database has no migrations applied (${known.length} to apply): run tocsin migrate`);
  const rows = await query<{ migration_name: string }>(`SELECT migration_name FROM "${MIGRATIONS_TABLE}" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
  const applied = new Set(rows.map((r) => r.migration_name));
  const pending = known.filter((name) => !applied.has(name));
  const unknown = [...applied].filter((name) => !known.includes(name));
  if (pending.length > 0) return fail(`${pending.length} migration(s) not applied (${pending.join(', ')}): run tocsin migrate`);
  if (unknown.length > 0) return warn(`migrations are current, but the database has ${unknown.length} this version does not know (${unknown.join(', ')}): is an older version running against a newer database?`);
  return ok(`migrations are current (${known.length} applied, the last ${known.at(-1)})`);
}

async function roleCheck(query: Query, role: string): Promise<CheckResult> {
  const [r] = await query<{ rolsuper: boolean; rolbypassrls: boolean }>('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1', [role]);
  if (!r) return fail(`role ${role} (TOCSIN_DB_ROLE) does not exist: run tocsin migrate`);
  if (r.rolsuper || r.rolbypassrls) return fail(`role ${role} (TOCSIN_DB_ROLE) bypasses row-level security (${r.rolsuper ? 'superuser' : 'BYPASSRLS'}): tenants are not isolated; use tocsin_app`);
  return ok(`role ${role} cannot bypass row-level security`);
}

async function rlsCheck(query: Query): Promise<CheckResult> {
  const tables = await query<{ name: string; enabled: boolean; forced: boolean }>(
    `SELECT relname AS name, relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> $1 ORDER BY relname`,
    [MIGRATIONS_TABLE],
  );
  const open = tables.filter((t) => !t.enabled || !t.forced);
  if (tables.length === 0) return fail('no tables: run tocsin migrate');
  if (open.length > 0) return fail(`row-level security is not enabled and forced on ${open.map((t) => `${t.name}${t.enabled ? ' (not forced)' : ''}`).join(', ')}`);
  return ok(`row-level security is enabled and forced on all ${tables.length} tables`);
}

/** What the api and workers do at connect: SET ROLE to the restricted role. */
async function setRoleCheck(config: Config): Promise<CheckResult> {
  const db = new Database({ url: config.DATABASE_URL, role: config.TOCSIN_DB_ROLE, poolSize: 1 });
  try {
    const user = await db.sql(async (tx) => (await tx.query<{ user: string }>('SELECT current_user AS user')).rows[0]!.user);
    return ok(`connections switch to role ${user}`);
  } catch (err) {
    return fail(`the user in DATABASE_URL cannot SET ROLE ${config.TOCSIN_DB_ROLE} (GRANT ${config.TOCSIN_DB_ROLE} TO that user): ${reasonOf(err)}`);
  } finally {
    await db.close();
  }
}
