import { requestSettings, type AnyChannel, type OpenDeps, type Sender, type SinkRef } from './channel.js';
import { createHttpClient, type HttpClient } from './http.js';
import { openConfig, type Cipher } from './sealed-config.js';

/** A sink as the worker or the API loaded it: its stored (sealed) config and a version of it. */
export interface StoredSink extends SinkRef {
  config: Record<string, unknown>;
  /**
   * Changes whenever the sink does (its `updated_at`): a cached sender of an older version is
   * dropped, so an edited config or a rotated secret takes effect at the next send.
   */
  version: string;
}

export interface SenderCacheOptions {
  cipher: Cipher;
  /** CIDRs the egress guard lets through (the operator's `TOCSIN_EGRESS_ALLOW`). */
  egressAllow?: readonly string[];
  /** Operator settings by env name (config's `channelSettings`); each channel sees only its own. */
  settings?: Readonly<Record<string, string>>;
  /** Overrides every channel's declared timeout (the operator's `TOCSIN_HTTP_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Senders kept at most; the least recently used goes first. @defaultValue 10000 */
  maxEntries?: number;
  /** The HTTP client for a channel; tests inject one. @defaultValue a guarded client with the channel's timeout */
  httpFor?: (channel: AnyChannel) => HttpClient;
}

/**
 * Open senders, one per sink. Opening decrypts and re-validates the stored config (configs are
 * checked on load as on save), so doing it once per sink version also saves that work per send.
 */
export class SenderCache {
  readonly #entries = new Map<string, { version: string; sender: Sender }>();
  readonly #clients = new Map<string, HttpClient>();
  readonly #options: SenderCacheOptions;

  constructor(options: SenderCacheOptions) {
    this.#options = options;
  }

  /** The timeout a channel's requests get. */
  timeoutMs(channel: AnyChannel): number {
    return this.#options.timeoutMs ?? requestSettings(channel).timeoutMs;
  }

  /**
   * The sender for a sink, opened on first use or when the sink changed.
   * @throws InvalidConfigError or a decryption error when the stored config cannot be opened.
   */
  get(channel: AnyChannel, sink: StoredSink): Sender {
    const key = `${channel.id}/${sink.sinkId}`;
    const cached = this.#entries.get(key);
    if (cached && cached.version === sink.version) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached.sender;
    }
    const config = openConfig(channel, sink.config, this.#options.cipher, sink);
    const sender = channel.open(config, this.#openDeps(channel));
    this.#entries.delete(key);
    this.#entries.set(key, { version: sink.version, sender });
    const max = this.#options.maxEntries ?? 10_000;
    while (this.#entries.size > max) this.#entries.delete(this.#entries.keys().next().value!);
    return sender;
  }

  /** Forgets a sink's sender (deleted or edited sinks; the version check catches the rest). */
  drop(channelId: string, sinkId: string): void {
    this.#entries.delete(`${channelId}/${sinkId}`);
  }

  #openDeps(channel: AnyChannel): OpenDeps {
    const all = this.#options.settings ?? {};
    const settings: Record<string, string> = {};
    for (const { env } of channel.settings ?? []) if (all[env] !== undefined) settings[env] = all[env];
    return { http: this.http(channel), settings };
  }

  /** The channel's HTTP client: egress guard on, the channel's timeout. */
  http(channel: AnyChannel): HttpClient {
    let client = this.#clients.get(channel.id);
    if (!client) {
      client = this.#options.httpFor?.(channel) ?? createHttpClient({ egressAllow: this.#options.egressAllow ?? [], timeoutMs: this.timeoutMs(channel) });
      this.#clients.set(channel.id, client);
    }
    return client;
  }

  /** What a creation hook needs for a channel. */
  prepareDeps(channel: AnyChannel): OpenDeps {
    return this.#openDeps(channel);
  }
}
