import { z } from 'zod';
import { operatorSettings } from '@tocsin/channels';

const DEV_KEY_HINT = 'generate one with: openssl rand -base64 32';

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, { message: `must be 32 random bytes, base64 (${DEV_KEY_HINT})` });

/** `host:port,host:port`: Redis Cluster seed nodes. */
const clusterNodes = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'must be host:port, comma separated (e.g. 10.0.0.1:6379,10.0.0.2:6379)' })
          .transform((node) => {
            const at = node.lastIndexOf(':');
            return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
          })
          .refine((n) => n.port >= 1 && n.port <= 65535, { message: 'port must be 1 to 65535' }),
      )
      .min(1, { message: 'names no node' }),
  );

const cidrList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * The whole runtime configuration, parsed once at start. This is the only module that reads the
 * environment; everything else receives a `Config`.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** @defaultValue postgresql://postgres@127.0.0.1:<TOCSIN_LOCAL_POSTGRES_PORT>/tocsin */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/tocsin'),
    /** The role the api and workers SET at connect: it cannot bypass row-level security. */
    TOCSIN_DB_ROLE: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('tocsin_app'),
    /** @defaultValue redis://127.0.0.1:<TOCSIN_LOCAL_REDIS_PORT> */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    /**
     * The port on 127.0.0.1 of the default addresses: where a PostgreSQL is looked for when
     * DATABASE_URL is not set (and where `tocsin start` runs an embedded one if nothing answers).
     * @defaultValue 5432
     */
    TOCSIN_LOCAL_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
    /** The port on 127.0.0.1 where a Redis is looked for when REDIS_URL is not set. @defaultValue 6379 */
    TOCSIN_LOCAL_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(6379),
    /**
     * Redis Cluster seed nodes, `host:port` comma separated: set, every Redis connection is a
     * cluster client (the rest of the cluster is discovered), and REDIS_URL gives only the user,
     * password and TLS (`rediss:`) every node shares.
     */
    REDIS_CLUSTER_NODES: clusterNodes.optional(),
    /** Refuse to start when Redis' maxmemory-policy is not noeviction (otherwise it is logged as an error). @defaultValue false */
    TOCSIN_REDIS_REQUIRE_NOEVICTION: z.stringbool().default(false),
    /**
     * Where the delivery queues live: `redis` (REDIS_URL), or `postgres`, in the `bullmq` schema of
     * DATABASE_URL's database, with no Redis at all. Unset, `tocsin start` picks `redis` when
     * REDIS_URL is set or a Redis answers at its default address, else `postgres`, and logs which
     * (see resolveQueueKind); a process or command started alone decides the same way. Set it in
     * production. Library code that gets a Config without it uses `redis`.
     */
    TOCSIN_QUEUE: z.enum(['redis', 'postgres']).optional(),
    /** BullMQ key prefix. Queue names carry a hash tag, so Redis Cluster keeps each queue in one slot. */
    TOCSIN_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('tocsin'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /**
     * Address the api listens on: loopback unless set, so a first `npm start` is not reachable
     * from the network. `0.0.0.0` (or `::`) listens on every interface, e.g. in a container.
     * @defaultValue 127.0.0.1
     */
    HOST: z.string().min(1).regex(/^[A-Za-z0-9.:%-]+$/, { message: 'must be an IP address or a host name (e.g. 127.0.0.1, 0.0.0.0, ::)' }).default('127.0.0.1'),
    /**
     * Bearer token for GET /metrics (api and worker). Unset, /metrics answers only requests from
     * loopback (a Prometheus agent on the same host); set, it answers anyone who sends it.
     */
    TOCSIN_METRICS_TOKEN: z.string().min(16).optional(),
    /** Port on which a worker process serves GET /metrics (0 picks a free port). Unset, workers serve no metrics. */
    TOCSIN_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** Current AES-256-GCM master key (base64, 32 bytes). Required outside development. */
    TOCSIN_ENCRYPTION_KEY: base64Key.optional(),
    /** Retired keys, comma separated, still accepted for decryption while data is re-encrypted. */
    TOCSIN_ENCRYPTION_KEYS_OLD: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(base64Key)),
    /** CIDRs exempt from the egress guard (e.g. 127.0.0.0/8 for loopback receivers in tests). */
    TOCSIN_EGRESS_ALLOW: cidrList,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** HS256 secret for user JWTs on the Events API (optional). */
    TOCSIN_JWT_SECRET: z.string().min(32).optional(),
    /** JWKS URL for RS256 user JWTs (optional). */
    TOCSIN_JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    TOCSIN_JWT_ISSUER: z.string().optional(),
    TOCSIN_JWT_AUDIENCE: z.string().optional(),
    /** The claim that names the tenant. @defaultValue tenant_id */
    TOCSIN_JWT_TENANT_CLAIM: z.string().default('tenant_id'),
    /** Key for signing Events API cursors; derived from the encryption key when unset. */
    TOCSIN_CURSOR_SECRET: z.string().min(32).optional(),
    /**
     * Events API: a bound on how long an ingest transaction lasts (ingest times out after 5 s). A
     * window is complete only once its `to` is this far in the past. @defaultValue 10000
     */
    TOCSIN_EVENTS_SETTLE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** Parallel jobs per channel queue in one worker process; unset, each channel's own (32 for most). */
    TOCSIN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
    /**
     * The V8 heap limit (--max-old-space-size) `tocsin start` gives its worker process. A worker's
     * live heap is bounded by its concurrency, not by the backlog (about 40 MB at the defaults),
     * and with a limit this size V8 collects before the heap grows to several times that, where
     * Node's default (a share of the machine's memory) lets it. Run `tocsin worker` yourself with
     * NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=4" for the same. @defaultValue 512
     */
    TOCSIN_WORKER_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(512),
    /**
     * Sends in flight to one sink per worker process; unset, a quarter of its channel's
     * concurrency (8 of 32). Bounds what a hanging receiver can hold of a worker.
     */
    TOCSIN_SINK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
    /**
     * Tries per delivery (per round: a manual re-send starts a new one) before it is failed for
     * good, whatever its severity; the severity's window usually ends retries first. Retry-After
     * deferrals do not count. @defaultValue 25
     */
    TOCSIN_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(25),
    /** Sets the first retry delay of every severity at once (tests); unset, each severity's own below. */
    TOCSIN_RETRY_BASE_MS: z.coerce.number().int().min(10).optional(),
    /** First retry delay of a critical delivery; each next one is 4× longer (±20% jitter), capped at 6 h. @defaultValue 2000 */
    TOCSIN_RETRY_CRITICAL_FIRST_DELAY_MS: z.coerce.number().int().min(10).default(2_000),
    /** @defaultValue 5000 */
    TOCSIN_RETRY_HIGH_FIRST_DELAY_MS: z.coerce.number().int().min(10).default(5_000),
    /** @defaultValue 10000 */
    TOCSIN_RETRY_MEDIUM_FIRST_DELAY_MS: z.coerce.number().int().min(10).default(10_000),
    /** @defaultValue 30000 */
    TOCSIN_RETRY_LOW_FIRST_DELAY_MS: z.coerce.number().int().min(10).default(30_000),
    /** How long a critical delivery is retried, from its first attempt. @defaultValue 259200000 (72 h) */
    TOCSIN_RETRY_CRITICAL_WINDOW_MS: z.coerce.number().int().min(100).default(72 * 3_600_000),
    /** @defaultValue 86400000 (24 h) */
    TOCSIN_RETRY_HIGH_WINDOW_MS: z.coerce.number().int().min(100).default(24 * 3_600_000),
    /** @defaultValue 43200000 (12 h) */
    TOCSIN_RETRY_MEDIUM_WINDOW_MS: z.coerce.number().int().min(100).default(12 * 3_600_000),
    /** @defaultValue 3600000 (1 h) */
    TOCSIN_RETRY_LOW_WINDOW_MS: z.coerce.number().int().min(100).default(3_600_000),
    /**
     * A 429 or 503 with Retry-After delays a delivery without counting as an attempt, this many
     * times per round; past it, such answers count like any other failure. @defaultValue 50
     */
    TOCSIN_RETRY_MAX_DEFERRALS: z.coerce.number().int().min(0).max(1000).default(50),
    /**
     * The circuit breaker: a sink whose attempts have all failed for this long (no delivery in
     * between) is disabled (`disabled_reason: circuit_open`) and its deliveries are held until it
     * is enabled again. @defaultValue 86400000 (24 h)
     */
    TOCSIN_BREAKER_OPEN_AFTER_MS: z.coerce.number().int().min(100).default(24 * 3_600_000),
    /** Per-request timeout for every destination; unset, each channel's own (10 s for most). */
    TOCSIN_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).optional(),
    /** How often the outbox relay looks for due deliveries. @defaultValue 2000 */
    TOCSIN_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
    /** How long a claimed row waits before the relay looks at it again (re-adding is a no-op while the job exists). @defaultValue 60000 */
    TOCSIN_RELAY_RECHECK_MS: z.coerce.number().int().min(100).default(60_000),
    /**
     * How often the retention job deletes what is past each tenant's retention period (GET/PUT
     * /v1/retention), in bounded batches. @defaultValue 3600000 (1 h)
     */
    TOCSIN_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
    /** A pending delivery is the relay's after this long (the api enqueues it first). @defaultValue 10000 */
    TOCSIN_RELAY_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    /**
     * On SIGTERM a worker takes no new job and waits this long for the ones in flight to finish
     * and be recorded; then it exits anyway (their leases let the relay send them again). Keep it
     * below the supervisor's kill timeout (Kubernetes: 30 s). @defaultValue 25000
     */
    TOCSIN_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
    /** Operator settings that channels declare (e.g. TOCSIN_SLACK_CLIENT_ID): see each channel's README. */
    ...Object.fromEntries(operatorSettings().map((setting) => [setting.env, z.string().min(1).optional()])),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.TOCSIN_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['TOCSIN_ENCRYPTION_KEY'], message: `is required in production (${DEV_KEY_HINT})` });
    }
  });

export type Config = z.infer<typeof schema>;

/** The values of the operator settings channels declare, by variable name (unset ones absent). */
export function channelSettingsOf(config: Config): Record<string, string> {
  const values: Record<string, string> = {};
  const env = config as Record<string, unknown>;
  for (const { env: name } of operatorSettings()) if (typeof env[name] === 'string') values[name] = env[name] as string;
  return values;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** DATABASE_URL and REDIS_URL when not given: loopback, on the local ports (an invalid port is reported by the schema). */
function defaultAddresses(env: Record<string, string | undefined>): Record<string, string> {
  const port = (value: string | undefined, fallback: number) => (value && /^\d{1,5}$/.test(value) ? value : String(fallback));
  return {
    DATABASE_URL: `postgresql://postgres@127.0.0.1:${port(env.TOCSIN_LOCAL_POSTGRES_PORT, 5432)}/tocsin`,
    REDIS_URL: `redis://127.0.0.1:${port(env.TOCSIN_LOCAL_REDIS_PORT, 6379)}`,
  };
}

const definedOnly = (env: Record<string, string | undefined>) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));

/** Parses the environment once. A bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse({ ...defaultAddresses(env), ...definedOnly(env) });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  }
  return result.data;
}
