/**
 * One tenant's refused events must not slow the others. Tenant A ingests as fast as it can (32
 * concurrent callers, one event each) while tenant B sends 80 events/s that PostgreSQL refuses
 * (a NUL in `detail`); A's accepted rate is reported as a ratio to A alone in the same run
 * (target: at least 0.9). A run with B sending 80 valid events/s separates the cost of B's load
 * from the cost of its refusals.
 *
 * Both go straight to the Ingestor, in this process: the API refuses such events before they
 * reach it, but the group commit they share must hold up without that.
 */
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@tocsin/config';
import { createTenant } from '@tocsin/api';
import { Database } from '@tocsin/db';
import { openQueueStore, Producer, queueStoreOptionsOf } from '@tocsin/queue';
import { Ingestor } from '../apps/api/src/ingest/service.js';
import { SinkCache } from '../apps/api/src/sinks/cache.js';
import type { EventInput } from '../apps/api/src/ingest/schema.js';
import { startApi, stop } from './lib/processes.js';
import { benchSystem } from './lib/system.js';

const CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Tenant B's rate: the rate that halved tenant A's before refused events were isolated. */
const B_PER_SECOND = 80;

export interface PoisonResult {
  /** Tenant A's accepted events/s, alone. */
  alone: number;
  /** … while B sends B_PER_SECOND valid events/s. */
  withValid: number;
  /** … while B sends B_PER_SECOND events/s that PostgreSQL refuses. */
  withPoison: number;
  /** B's events answered with a 400, and any other answer, in the poisoned runs. */
  refused: number;
  unexpected: number;
}

export async function benchPoison(): Promise<PoisonResult> {
  const sys = await benchSystem();
  const b = await createTenant(sys.db, 'bench-b', 'enterprise');
  // The sinks are made through the API (it seals their configs), then the API goes away.
  const api = await startApi(sys.env);
  try {
    for (const token of [sys.token, b.token]) {
      const res = await fetch(`http://127.0.0.1:${api.port}/v1/event_sink`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench', event_sink_args: { Webhook: { url: 'http://127.0.0.1:9/hook' } } }),
      });
      if (res.status !== 201) throw new Error(`sink: ${res.status} ${await res.text()}`);
    }
  } finally {
    await stop(api.child);
  }

  // As the api process builds it (server.ts), without HTTP in front.
  const db = new Database({ url: sys.url, role: loadConfig().TOCSIN_DB_ROLE, poolSize: 20 });
  const store = openQueueStore(queueStoreOptionsOf(loadConfig(sys.env)));
  const producer = new Producer(store);
  const logger = createLogger('silent', {}, new Writable({ write: (_c, _e, done) => done() }));
  const ingestor = new Ingestor({ db, cache: new SinkCache(5_000), producer, logger, relayGraceMs: 60_000 });
  const good = (): EventInput => ({ action: 'HONEYTOKEN_TRIPPED', severity: undefined, actor: { id: 'u1', type: 'User', name: 'bench' }, source_ip: '198.51.100.7', detail: { n: 1 } }) as EventInput;
  const poison = (): EventInput => ({ action: 'HONEYTOKEN_TRIPPED', severity: undefined, detail: { note: 'nul \u0000 here' } }) as EventInput;

  let refused = 0;
  let unexpected = 0;
  /** Tenant A's closed loop for `seconds`, with B sending `side` at B_PER_SECOND meanwhile. */
  const run = async (seconds: number, side?: () => EventInput): Promise<number> => {
    const deadline = performance.now() + seconds * 1000;
    let accepted = 0;
    const loop = async () => {
      while (performance.now() < deadline) {
        await ingestor.ingest(sys.tenantId, [good()]);
        accepted += 1;
      }
    };
    const sideLoad = async () => {
      if (!side) return;
      const started = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; ; i += 1) {
        const at = started + (i * 1000) / B_PER_SECOND;
        if (at >= deadline) break;
        await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
        pending.push(
          ingestor.ingest(b.tenant_id, [side()]).then(
            () => void (side === poison && (unexpected += 1)),
            (err: { status?: number }) => void (side === poison && err.status === 400 ? (refused += 1) : (unexpected += 1)),
          ),
        );
      }
      await Promise.all(pending);
    };
    const started = performance.now();
    await Promise.all([...Array.from({ length: CONCURRENCY }, loop), sideLoad()]);
    return accepted / ((performance.now() - started) / 1000);
  };

  try {
    await run(2); // warm-up
    // Interleaved, in three rounds whose order rotates, so that drift on a shared machine falls
    // on every variant alike: rates fell by up to half from one round to the next (the tables
    // grow, autovacuum starts), and in a fixed order the last variant took the slow end each time.
    const variants = { alone: undefined, withValid: good, withPoison: poison };
    const names = Object.keys(variants) as (keyof typeof variants)[];
    const rates = { alone: [] as number[], withValid: [] as number[], withPoison: [] as number[] };
    for (let round = 0; round < names.length; round += 1) {
      for (let k = 0; k < names.length; k += 1) {
        const name = names[(round + k) % names.length]!;
        rates[name].push(await run(SECONDS / names.length, variants[name]));
      }
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    await ingestor.drain();
    return { alone: mean(rates.alone), withValid: mean(rates.withValid), withPoison: mean(rates.withPoison), refused, unexpected };
  } finally {
    await producer.close();
    await store.close();
    await db.close();
    await sys.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchPoison();
  process.stdout.write(
    `tenant A accepted events/s: alone ${r.alone.toFixed(0)}, B sending ${B_PER_SECOND} valid/s ${r.withValid.toFixed(0)} (${(r.withValid / r.alone).toFixed(2)}), ` +
      `B sending ${B_PER_SECOND} refused/s ${r.withPoison.toFixed(0)} (ratio ${(r.withPoison / r.alone).toFixed(2)}, target ≥ 0.9); B refused with 400: ${r.refused}, other answers: ${r.unexpected}\n`,
  );
  process.exit(0);
}
