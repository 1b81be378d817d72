import { createHash } from 'node:crypto';
import pg from 'pg';
import type { RedisClient } from './connection.js';

/**
 * Announcements between Tocsin's processes (a tenant's sinks changed, a token was revoked), on
 * the queue store's pub/sub: Redis PUBLISH/SUBSCRIBE, or PostgreSQL NOTIFY/LISTEN. Neither keeps
 * a backlog: a subscriber that was disconnected has missed whatever was said meanwhile, which is
 * why {@link onConnect} listeners run on every (re)connect.
 */
export interface Bus {
  /** Rejects when the store did not take the message. */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): void;
  /** Runs whenever the subscription (re)connects, the first time included, once its channels are subscribed. */
  onConnect(listener: () => void): void;
  close(): Promise<void>;
}

type Handlers = Map<string, Set<(message: string) => void>>;

function addHandler(handlers: Handlers, channel: string, onMessage: (message: string) => void): boolean {
  const set = handlers.get(channel);
  if (set) {
    set.add(onMessage);
    return false;
  }
  handlers.set(channel, new Set([onMessage]));
  return true;
}

export class RedisBus implements Bus {
  readonly #handlers: Handlers = new Map();
  readonly #connectListeners = new Set<() => void>();
  #sub?: RedisClient;

  /** Publishes on `pub`; subscribes on a connection of its own, opened by `connect` on the first subscribe. */
  constructor(
    readonly pub: RedisClient,
    readonly connect: () => RedisClient,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.pub.publish(channel, message);
  }

  subscribe(channel: string, onMessage: (message: string) => void): void {
    const sub = this.#subscriber();
    if (addHandler(this.#handlers, channel, onMessage)) sub.subscribe(channel).catch(() => undefined);
  }

  onConnect(listener: () => void): void {
    this.#connectListeners.add(listener);
    this.#subscriber();
  }

  #subscriber(): RedisClient {
    if (this.#sub) return this.#sub;
    const sub = this.connect();
    sub.on('message', (channel: string, message: string) => {
      for (const handler of this.#handlers.get(channel) ?? []) handler(message);
    });
    // Listeners run once the subscriptions are in again (ioredis resubscribes on reconnect; asking
    // again is harmless and its answer says they are).
    sub.on('ready', () => {
      const channels = [...this.#handlers.keys()];
      (channels.length > 0 ? sub.subscribe(...channels) : Promise.resolve())
        .catch(() => undefined)
        .then(() => {
          for (const listener of this.#connectListeners) listener();
        });
    });
    this.#sub = sub;
    return sub;
  }

  async close(): Promise<void> {
    this.#sub?.disconnect();
  }
}

/**
 * NOTIFY's channel is an identifier of at most 63 bytes; a longer name (a long deployment
 * prefix) is replaced by a digest of it. NOTIFY is per database, as Tocsin's data is.
 */
export function postgresChannel(name: string): string {
  return Buffer.byteLength(name) <= 63 ? name : `tocsin_${createHash('sha256').update(name).digest('hex').slice(0, 48)}`;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export class PostgresBus implements Bus {
  readonly #handlers: Handlers = new Map();
  readonly #connectListeners = new Set<() => void>();
  #listener?: pg.Client;
  /** The channels the current listener has LISTENed on. */
  #listening = new Set<string>();
  #connecting?: Promise<void>;
  #closed = false;
  #retry?: NodeJS.Timeout;

  /** Publishes through `pool`; listens on a connection of its own to `url`, opened on the first subscribe and reopened when lost. */
  constructor(
    readonly pool: pg.Pool,
    readonly url: string,
    readonly onError?: (err: unknown) => void,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [postgresChannel(channel), message]);
  }

  subscribe(channel: string, onMessage: (message: string) => void): void {
    addHandler(this.#handlers, postgresChannel(channel), onMessage);
    if (this.#listener) this.#listenAll(this.#listener).catch((err: unknown) => this.onError?.(err));
    else this.#start();
  }

  onConnect(listener: () => void): void {
    this.#connectListeners.add(listener);
    this.#start();
  }

  #start(): void {
    if (this.#listener || this.#connecting || this.#closed) return;
    this.#connecting = this.#open().finally(() => (this.#connecting = undefined));
  }

  async #listenAll(client: pg.Client): Promise<void> {
    for (const channel of this.#handlers.keys()) {
      if (this.#listening.has(channel)) continue;
      this.#listening.add(channel);
      await client.query(`LISTEN ${quoteIdent(channel)}`);
    }
  }

  async #open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: 'tocsin-bus' });
    let gone = false;
    const lost = (err?: unknown) => {
      if (gone) return;
      gone = true;
      if (err) this.onError?.(err);
      if (this.#listener === client) this.#listener = undefined;
      client.end().catch(() => undefined);
      if (!this.#closed) this.#retry = setTimeout(() => this.#start(), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => {
      for (const handler of this.#handlers.get(n.channel) ?? []) handler(n.payload ?? '');
    });
    try {
      await client.connect();
      this.#listening = new Set();
      this.#listener = client;
      await this.#listenAll(client);
    } catch (err) {
      lost(err);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    for (const listener of this.#connectListeners) listener();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#connecting;
    const client = this.#listener;
    this.#listener = undefined;
    await client?.end().catch(() => undefined);
  }
}
