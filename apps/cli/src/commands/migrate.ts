import { migrate } from '@tocsin/db';
import { runtime } from '../runtime.js';

export async function migrateCommand(): Promise<number> {
  const { config, logger } = runtime({ command: 'migrate' });
  const applied = await migrate(config.DATABASE_URL);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
  return 0;
}
