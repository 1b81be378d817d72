import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A standalone Redis or a Redis Cluster: BullMQ and pub/sub take either. */
export type RedisClient = Redis | Cluster;

/**
 * Where Redis is. With `clusterNodes` the client is an ioredis `Cluster` seeded from those nodes
 * (it discovers the rest); the URL then gives only what every node shares: user, password, and
 * TLS (`rediss:`). Without, the URL is the one server.
 */
export interface RedisTarget {
  url: string;
  clusterNodes?: readonly { host: string; port: number }[];
}

/** What callers tune per connection; the same meaning for one server and for a cluster. */
export interface ConnectionOptions {
  /** Queue commands while disconnected (ioredis' default) or fail them at once. @defaultValue true */
  enableOfflineQueue?: boolean;
  /** ioredis' `maxRetriesPerRequest`: null for BullMQ workers (blocking commands). @defaultValue 20 */
  maxRetriesPerRequest?: number | null;
  connectTimeout?: number;
  lazyConnect?: boolean;
  /** Reconnect at all: false ends the client at the first lost connection (one-shot commands). @defaultValue true */
  reconnect?: boolean;
}

/** Opens a connection to `target`, a `Redis` or a `Cluster` as the target says. */
export function connectRedis(target: RedisTarget, options: ConnectionOptions = {}): RedisClient {
  const { reconnect = true, enableOfflineQueue, lazyConnect, ...perNode } = options;
  if (!target.clusterNodes || target.clusterNodes.length === 0) {
    const redisOptions: RedisOptions = { ...perNode, ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }), ...(lazyConnect === undefined ? {} : { lazyConnect }) };
    if (!reconnect) redisOptions.retryStrategy = () => null;
    return new Redis(target.url, redisOptions);
  }
  const url = new URL(target.url);
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...perNode,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
  };
  if (!reconnect) clusterOptions.clusterRetryStrategy = () => null;
  return new Cluster(
    target.clusterNodes.map((n) => ({ ...n })),
    clusterOptions,
  );
}

/** The masters of a cluster, or the one server: where a check must look. */
export function serversOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** A cluster knows its masters only once ready; a connection without offline queue refuses commands before. */
export function untilReady(client: RedisClient): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
