import { sqlSetTenant, type Database } from '@tocsin/db';

/** Sinks whose rate one process remembers; past it the oldest is forgotten (and read again). */
const MAX_SINKS = 10_000;

/**
 * Each sink's own send rate (`event_sink.rate_per_second`, null for its channel's), as the pacer
 * needs it before a delivery is claimed. Every claim reads the sink and refreshes the entry, so
 * an admin's change applies from the sink's next claim; only a sink this process has not claimed
 * for yet costs a read here.
 */
export class SinkRates {
  readonly #overrides = new Map<string, number | null>();

  constructor(private readonly db: Database) {}

  /** The sink's rate: its own, else `channelRate`. */
  async of(tenantId: string, sinkId: string, channelRate: number): Promise<number> {
    if (!this.#overrides.has(sinkId)) {
      const override = await this.db.sql(async (tx) => {
        await sqlSetTenant(tx, tenantId);
        const { rows } = await tx.query<{ rate_per_second: number | null }>('SELECT rate_per_second FROM event_sink WHERE id = $1::uuid', [sinkId]);
        return rows[0]?.rate_per_second ?? null;
      });
      this.remember(sinkId, override);
    }
    return this.#overrides.get(sinkId) ?? channelRate;
  }

  /** What a claim read of the sink. */
  remember(sinkId: string, override: number | null): void {
    this.#overrides.delete(sinkId);
    this.#overrides.set(sinkId, override);
    if (this.#overrides.size > MAX_SINKS) this.#overrides.delete(this.#overrides.keys().next().value!);
  }
}
