import { migrate } from '@tocsin/db';
import { openQueueStore, queueStoreOptionsOf } from '@tocsin/queue';
import type { Config, Logger } from '@tocsin/config';
import { runtime } from '../runtime.js';

export async function migrateCommand(): Promise<number> {
  const { config, logger } = runtime({ command: 'migrate' });
  const applied = await migrate(config.DATABASE_URL);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
  await prepareQueueStore(config, logger);
  return 0;
}

/** With TOCSIN_QUEUE=postgres, BullMQ's schema too (idempotent; its own advisory lock serialises hosts). */
export async function prepareQueueStore(config: Config, logger: Logger): Promise<void> {
  if (config.TOCSIN_QUEUE !== 'postgres') return;
  const store = openQueueStore(queueStoreOptionsOf(config));
  try {
    await store.prepare(logger, { requireNoEviction: false });
    logger.info('queue schema (bullmq) is up to date');
  } finally {
    await store.close();
  }
}
