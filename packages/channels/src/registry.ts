/**
 * Every channel, keyed by id. This object is the only list: queue names, the admin API's
 * `event_sink_args` union and the worker's processors are derived from it. Adding a kind is one
 * folder and one line here; registry.test.ts fails when a folder is not registered.
 */
import type { Channel } from './core/channel.js';
import { webhook } from './webhook/index.js';

/** Any registered channel, whatever its config type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds channels of different config types
export type AnyChannel = Channel<string, any, any>;

export const channels = {
  webhook,
} as const satisfies Record<string, AnyChannel>;

export type Channels = typeof channels;
/** A channel id: the folder name and queue-name suffix, e.g. `webhook`. */
export type ChannelId = keyof Channels;
/** A registered channel. */
export type RegisteredChannel = Channels[ChannelId];
/** A channel kind: the `event_sink_args` key and `event_sink_type`, e.g. `Webhook`. */
export type ChannelKind = RegisteredChannel['kind'];
/** The channel of one kind. */
export type ChannelOfKind<K extends ChannelKind> = Extract<RegisteredChannel, { kind: K }>;
/** The validated config of one kind, as stored (secrets in clear, before encryption). */
export type ChannelConfig<K extends ChannelKind> = ChannelOfKind<K> extends Channel<K, infer C, infer _S> ? C : never;

/** A non-empty tuple, so it can feed `z.enum(...)`. */
type NonEmpty<T> = readonly [T, ...T[]];

export const channelIds = Object.keys(channels) as unknown as NonEmpty<ChannelId>;
export const channelKinds = Object.values(channels).map((channel) => channel.kind) as unknown as NonEmpty<ChannelKind>;

const byKind = new Map<string, AnyChannel>(Object.values(channels).map((channel) => [channel.kind, channel]));

/** The channel of a kind; `undefined` for a string that is not a registered kind. */
export function channelByKind<K extends ChannelKind>(kind: K): ChannelOfKind<K>;
export function channelByKind(kind: string): AnyChannel | undefined;
export function channelByKind(kind: string): AnyChannel | undefined {
  return byKind.get(kind);
}

/** True when `kind` is a registered kind. */
export const isChannelKind = (kind: string): kind is ChannelKind => byKind.has(kind);
