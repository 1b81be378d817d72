import { loadConfig } from '@tocsin/config';
import { createTestDatabase, type TestDatabase } from '@tocsin/db/testing';
import { openQueueStore, queueStoreOptionsOf, type QueueKind, type QueueStore } from '@tocsin/queue';

/**
 * Queue stores of one kind for a test (TOCSIN_QUEUE's, Redis unless set), each under the prefix
 * it is opened with. PostgreSQL ones share a test database of their own, dropped by close().
 */
export class TestStores {
  #db?: Promise<TestDatabase>;
  readonly #stores: QueueStore[] = [];

  constructor(readonly kind: QueueKind = loadConfig().TOCSIN_QUEUE ?? 'redis') {}

  /** The PostgreSQL stores' test database (created on first use). */
  async databaseUrl(): Promise<string> {
    return (await (this.#db ??= createTestDatabase(loadConfig().DATABASE_URL))).url;
  }

  async open(prefix: string): Promise<QueueStore> {
    const config = loadConfig();
    const databaseUrl = this.kind === 'postgres' ? await this.databaseUrl() : config.DATABASE_URL;
    const store = openQueueStore({ ...queueStoreOptionsOf({ ...config, TOCSIN_QUEUE: this.kind, DATABASE_URL: databaseUrl }), prefix });
    this.#stores.push(store);
    return store;
  }

  async close(): Promise<void> {
    await Promise.all(this.#stores.map((s) => s.close()));
    await (await this.#db)?.drop();
  }
}
