/**
 * Every channel, keyed by id. This object is the only list: queue names, the admin API's
 * `event_sink_args` union, the worker's processors, the operator settings and the log
 * redaction paths are derived from it. Adding a kind is one folder and one line here;
 * registry.test.ts fails when a folder is not registered.
 */
import type { AnyChannel, Channel } from './core/channel.js';
import { webhook } from './webhook/index.js';
import { pagerduty } from './pagerduty/index.js';
import { opsgenie } from './opsgenie/index.js';
import { slack } from './slack/index.js';
import { teams } from './teams/index.js';
import { servicenow } from './servicenow/index.js';
import { datadog } from './datadog/index.js';
import { splunk } from './splunk/index.js';
import { sentinel } from './sentinel/index.js';

export type { AnyChannel } from './core/channel.js';

export const channels = {
  webhook,
  pagerduty,
  opsgenie,
  slack,
  teams,
  servicenow,
  datadog,
  splunk,
  sentinel,
} as const satisfies Record<string, AnyChannel>;

export type Channels = typeof channels;
/** A channel id: the one name of a channel inside Tocsin, e.g. `webhook`. */
export type ChannelId = keyof Channels;
/** A registered channel. */
export type RegisteredChannel = Channels[ChannelId];
/** A channel's public name: the `event_sink_args` key and `event_sink_type`, e.g. `Webhook`. */
export type SinkType = RegisteredChannel['sinkType'];
/** The validated stored config of one channel (secrets in clear, before encryption). */
export type ChannelConfig<Id extends ChannelId> = Channels[Id] extends Channel<Id, infer C, infer _S, infer _I> ? C : never;

/** A non-empty tuple, so it can feed `z.enum(...)`. */
type NonEmpty<T> = readonly [T, ...T[]];

export const channelIds = Object.keys(channels) as unknown as NonEmpty<ChannelId>;
export const sinkTypes = Object.values(channels).map((channel) => channel.sinkType) as unknown as NonEmpty<SinkType>;

const byId = new Map<string, AnyChannel>(Object.entries(channels));
const bySinkType = new Map<string, AnyChannel>(Object.values(channels).map((channel) => [channel.sinkType, channel]));

/** The channel of an id; `undefined` for a string that is not a registered id. */
export const channelById = (id: string): AnyChannel | undefined => byId.get(id);

/** The channel of a public sink type (`event_sink_args` key); `undefined` when there is none. */
export const channelBySinkType = (sinkType: string): AnyChannel | undefined => bySinkType.get(sinkType);

/** Every secret field name of every channel: the log redaction paths are derived from it. */
export const secretFieldNames = (): string[] => [...new Set(Object.values(channels).flatMap((channel) => [...(channel as AnyChannel).secretFields]))].sort();

/** Every operator setting any channel declares. */
export const operatorSettings = () => Object.values(channels).flatMap((channel) => [...((channel as AnyChannel).settings ?? [])]);
