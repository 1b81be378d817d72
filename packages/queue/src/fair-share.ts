/**
 * BullMQ's largest priority number, the one served last.
 * https://docs.bullmq.io/guide/jobs/prioritized (`PRIORITY_LIMIT` in bullmq's job.ts)
 */
export const MAX_PRIORITY = 2 ** 21 - 1;

export interface FairShareOptions {
  /**
   * How fast a tenant's count of recent deliveries fades: it halves every `halfLifeMs`.
   * @defaultValue 30_000
   */
  halfLifeMs?: number;
  /**
   * Below this many recent deliveries a tenant is quiet: its jobs get no priority, so BullMQ puts
   * them on its plain wait list, which it serves before every prioritized job. @defaultValue 10
   */
  quiet?: number;
}

/** Entries kept before the faded ones are dropped. */
const PRUNE_AT = 10_000;

/**
 * Fairness between tenants sharing a channel's queue, without BullMQ Pro's groups. Each job's
 * priority is how many deliveries its tenant has enqueued to that queue lately (a count that
 * halves every `halfLifeMs`), and BullMQ serves lower numbers first. So a tenant that just
 * enqueued 100,000 deliveries has them at priorities up to 100,000, while a quiet tenant's job
 * goes on the wait list, ahead of all of them; two busy tenants alternate, each job ranked by
 * its place in its own tenant's recent traffic.
 *
 * The count lives in this process (every api process and worker keeps its own): one Redis round
 * trip fewer per enqueue, and nothing to repair when a job is lost or a worker crashes. With N
 * producers, a tenant's rank in each is about 1/N of its total, which orders tenants the same.
 * A tenant's new jobs may pass its own older backlog once the count has faded; deliveries carry
 * no ordering promise (receivers order by `occurred_at`).
 */
export class FairShare {
  readonly #levels = new Map<string, { level: number; at: number }>();
  readonly #halfLifeMs: number;
  readonly #quiet: number;

  constructor(
    options: FairShareOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#halfLifeMs = options.halfLifeMs ?? 30_000;
    this.#quiet = options.quiet ?? 10;
  }

  /**
   * The BullMQ priority of a job holding `weight` deliveries of `tenantId` for `queue` (0: none,
   * the wait list), and counts them as enqueued.
   */
  priority(queue: string, tenantId: string, weight = 1): number {
    const key = `${queue}/${tenantId}`;
    const now = this.now();
    const level = this.#level(key, now);
    this.#levels.set(key, { level: level + weight, at: now });
    if (this.#levels.size > PRUNE_AT) this.#prune(now);
    return level < this.#quiet ? 0 : Math.min(MAX_PRIORITY, Math.ceil(level));
  }

  #level(key: string, now: number): number {
    const entry = this.#levels.get(key);
    return entry ? entry.level * 2 ** (-(now - entry.at) / this.#halfLifeMs) : 0;
  }

  #prune(now: number): void {
    for (const key of this.#levels.keys()) if (this.#level(key, now) < 1) this.#levels.delete(key);
  }
}
