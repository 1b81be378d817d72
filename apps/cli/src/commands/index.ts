import { apiCommand, startCommand, workerCommand } from './serve.js';
import { exportCommand } from './export.js';
import { migrateCommand } from './migrate.js';
import { doctorCommand } from './doctor.js';
import { operatorTokenCreate, tenantCreate, tenantList, tenantSetPlan, tokenCreate } from './tenants.js';

export type Command = (argv: string[]) => Promise<number>;

export const commands: Record<string, Command> = {
  'tenant create': tenantCreate,
  'tenant list': tenantList,
  'tenant set-plan': tenantSetPlan,
  'token create': tokenCreate,
  'operator token create': operatorTokenCreate,
  migrate: migrateCommand,
  api: apiCommand,
  worker: workerCommand,
  start: startCommand,
  doctor: doctorCommand,
  'events export': exportCommand,
};
