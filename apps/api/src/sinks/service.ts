import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { assertUrlAllowed, channelById, DestinationUnresolvedError, EgressDeniedError, channelBySinkType, PrepareError, sealConfig, sinkTypes, unsealConfig, type AnyChannel, type EgressPolicy, type SenderCache } from '@tocsin/channels';
import type { Database, SecretBox } from '@tocsin/db';
import { ApiError, parseOrThrow } from '../errors.js';
import { planAllows, planRequired } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { SinkCache } from './cache.js';
import { eventsRefused, normalizeEvents, type CreateSinkBody, type ListSinksQuery, type UpdateSinkBody } from './schema.js';
import { CursorSigner } from '../signed-cursor.js';
import { DEFAULT_LIMIT } from '../paging.js';
import { mergeConfig, withoutMarkers } from './merge.js';
import { presentSink } from './present.js';
import type { ConfigAudit } from '../audit/config-audit.js';
import type { Logger } from '@tocsin/config';
import type { Producer } from '@tocsin/queue';
import { sendTest } from './test-send.js';
import { enqueueResumed, holdSinkDeliveries, resumeSinkDeliveries } from '../deliveries/service.js';

export interface SinkServiceDeps {
  db: Database;
  box: SecretBox;
  egress: EgressPolicy;
  cache: SinkCache;
  /** Channels' HTTP clients and operator settings, for creation hooks (Slack's OAuth exchange). */
  senders: SenderCache;
  audit: ConfigAudit;
  logger: Logger;
  /** Signs sink-list cursors (the Events API's key; the signer's purpose keeps them apart). */
  cursorKey: Buffer;
  /** Enqueues the held deliveries a re-enabled sink resumes. */
  producer: Producer;
  /** Delay before the relay treats a resumed delivery as its own (the api enqueues it first). */
  relayGraceMs: number;
}

/**
 * Validates `event_sink_args` against its sink type's own schema: the channel's input schema when
 * it has a creation hook, else its stored config schema. Decided before anything is stored.
 */
function parseArgs(args: Record<string, unknown>): { channel: AnyChannel; input: Record<string, unknown> } {
  const [sinkType, raw] = Object.entries(args)[0]!;
  const channel = channelBySinkType(sinkType);
  if (!channel) {
    throw new ApiError(400, 'invalid_request', 'Unknown event sink type.', [
      { path: `event_sink_args.${sinkType}`, message: `must be one of ${sinkTypes.join(', ')}` },
    ]);
  }
  const input = parseOrThrow(channel.create?.inputSchema ?? channel.configSchema, raw, ['event_sink_args', sinkType]) as Record<string, unknown>;
  return { channel, input };
}

/**
 * What is stored for what the admin posted: the creation hook's result (Slack: a code exchanged
 * for a bot token), validated again as a stored config.
 */
async function storedConfig(channel: AnyChannel, input: Record<string, unknown>, senders: SenderCache): Promise<Record<string, unknown>> {
  if (!channel.create?.needsPrepare(input)) return input;
  return prepareConfig(channel, channel.create, input, senders);
}

/** Runs the channel's creation hook; its refusal names the field. */
async function prepareConfig(channel: AnyChannel, hook: NonNullable<AnyChannel['create']>, input: Record<string, unknown>, senders: SenderCache): Promise<Record<string, unknown>> {
  let prepared: unknown;
  try {
    prepared = await hook.prepare(input, senders.prepareDeps(channel));
  } catch (err) {
    if (!(err instanceof PrepareError)) throw err;
    const status = err.fault === 'operator' ? 503 : 400;
    throw new ApiError(status, err.code, err.message, [{ path: `event_sink_args.${channel.sinkType}.${err.field}`, message: err.message }]);
  }
  return parseOrThrow(channel.configSchema, prepared, ['event_sink_args', channel.sinkType]) as Record<string, unknown>;
}

/**
 * Checks every URL the channel will contact against the egress guard (this resolves DNS). A
 * refusal by the guard is `egress_denied`; a name that does not resolve is not a refusal, and is
 * `destination_unresolved` (a typo, or a name only resolvable elsewhere).
 */
async function assertEgress(channel: AnyChannel, config: Record<string, unknown>, egress: EgressPolicy): Promise<void> {
  const path = `event_sink_args.${channel.sinkType}`;
  for (const url of channel.urls(config)) {
    try {
      await assertUrlAllowed(url, egress);
    } catch (err) {
      if (err instanceof EgressDeniedError) throw new ApiError(400, 'egress_denied', 'A destination URL is not allowed.', [{ path, message: err.message }]);
      if (err instanceof DestinationUnresolvedError) {
        throw new ApiError(400, 'destination_unresolved', `A destination's host name did not resolve: ${err.host}. Check the URL; nothing was saved.`, [
          { path, message: err.message },
        ]);
      }
      throw err;
    }
  }
}

/** Batching kinds are paced per request by their vendor's limits: a per-delivery rate means nothing there. */
function assertRate(channel: AnyChannel, rate: number | null | undefined): void {
  if (rate === undefined || rate === null || !channel.batch) return;
  throw new ApiError(400, 'invalid_request', 'The request has invalid fields.', [
    { path: 'rate_per_second', message: `${channel.sinkType} sends batches paced by the vendor's own limits and takes no per-sink rate; send null or leave it out` },
  ]);
}

function assertTenant(principal: Principal, tenantId: string | undefined): void {
  if (tenantId !== undefined && tenantId !== principal.tenantId) {
    throw new ApiError(403, 'tenant_mismatch', "tenant_id does not match the caller's tenant.", [{ path: 'tenant_id', message: 'must be your own tenant' }]);
  }
}

/** A sink as the resource of a configuration event. */
const sinkResource = (sink: { id: string; name: string }) => ({ id: sink.id, type: 'EventSink', name: sink.name });

/** What a sink-list cursor holds: the last sink returned, in the list's order. */
const listCursor = z.strictObject({ v: z.literal(1), at: z.number().int(), id: z.uuid() });

export class SinkService {
  readonly #cursors: CursorSigner;

  constructor(private readonly deps: SinkServiceDeps) {
    this.#cursors = new CursorSigner(deps.cursorKey, 'event_sinks');
  }

  async create(principal: Principal, body: CreateSinkBody) {
    assertTenant(principal, body.tenant_id);
    const { channel, input } = parseArgs(body.event_sink_args);
    if (!planAllows(principal.plan, channel.plan)) throw planRequired(channel.plan, `The ${channel.sinkType} integration`);
    assertRate(channel, body.rate_per_second);
    const config = await storedConfig(channel, input, this.deps.senders);
    await assertEgress(channel, config, this.deps.egress);
    const id = randomUUID();
    const who = { tenantId: principal.tenantId, sinkId: id };
    const sink = await this.deps.db.withTenant(principal.tenantId, (tx) =>
      tx.eventSink.create({
        data: {
          id,
          tenantId: principal.tenantId,
          channel: channel.id,
          name: body.name,
          description: body.description,
          config: sealConfig(channel, config, this.deps.box, who) as object,
          events: body.events,
          minSeverity: body.min_severity,
          enabled: body.enabled,
          ratePerSecond: body.rate_per_second,
        },
      }),
    );
    this.deps.cache.invalidate(principal.tenantId);
    await this.deps.audit.record(principal, { action: 'EVENT_SINK_CREATED', resource: sinkResource(sink), detail: { event_sink_type: channel.sinkType, events: sink.events, min_severity: sink.minSeverity, enabled: sink.enabled } });
    return presentSink(sink);
  }

  /** Oldest first: a keyset walk of (created_at, id), so a page boundary never repeats or skips a sink. */
  async list(principal: Principal, query: ListSinksQuery) {
    const { tenantId } = principal;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor === undefined ? undefined : this.#cursors.open(tenantId, query.cursor, listCursor);
    const rows = await this.deps.db.withTenant(tenantId, (tx) =>
      tx.eventSink.findMany({
        where: {
          deletedAt: null,
          ...(after && { OR: [{ createdAt: { gt: new Date(after.at) } }, { createdAt: new Date(after.at), id: { gt: after.id } }] }),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      }),
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? this.#cursors.sign(tenantId, { v: 1, at: last.createdAt.getTime(), id: last.id } satisfies z.infer<typeof listCursor>) : null;
    return { event_sinks: page.map(presentSink), next_cursor: next };
  }

  async get(principal: Principal, id: string) {
    const sink = await this.deps.db.withTenant(principal.tenantId, (tx) => tx.eventSink.findFirst({ where: { id, deletedAt: null } }));
    if (!sink) throw new ApiError(404, 'not_found', 'No event sink with that id.');
    return presentSink(sink);
  }

  /**
   * PUT: what is sent changes, what is omitted is kept (see updateSinkBody). Input is checked
   * before anything is written: the kind must stay the same, the merged config must pass the
   * channel's schema and the egress guard, and a creation hook runs when the given fields call
   * for one (Slack: a new OAuth code). A concurrent update in between is a 409, never a lost write.
   * Only later events see the new filter; nothing already delivered is sent again.
   */
  async update(principal: Principal, id: string, body: UpdateSinkBody) {
    assertTenant(principal, body.tenant_id);
    if (body.id !== undefined && body.id !== id) throw new ApiError(400, 'invalid_request', 'The body names another event sink.', [{ path: 'id', message: 'must be the id in the path' }]);
    const current = await this.deps.db.withTenant(principal.tenantId, (tx) => tx.eventSink.findFirst({ where: { id, deletedAt: null } }));
    if (!current) throw new ApiError(404, 'not_found', 'No event sink with that id.');
    const channel = channelById(current.channel)!;
    if (!planAllows(principal.plan, channel.plan)) throw planRequired(channel.plan, `The ${channel.sinkType} integration`);
    const events = body.events === undefined ? undefined : normalizeEvents(body.events);
    const refused = eventsRefused(channel, body.events ?? []);
    if (refused.length > 0) throw new ApiError(400, 'invalid_request', 'The request has invalid fields.', refused.map((r) => ({ path: `events.${r.index}`, message: r.message })));
    assertRate(channel, body.rate_per_second);

    const who = { tenantId: principal.tenantId, sinkId: id };
    let sealed: Record<string, unknown> | undefined;
    const changedConfig: string[] = [];
    if (body.event_sink_args !== undefined) {
      const [sinkType, raw] = Object.entries(body.event_sink_args)[0]!;
      if (sinkType !== channel.sinkType) {
        throw new ApiError(400, 'invalid_request', 'An event sink keeps its type; create a new sink for another.', [{ path: `event_sink_args.${sinkType}`, message: `this sink is ${channel.sinkType}` }]);
      }
      const given = parseOrThrow(z.record(z.string(), z.unknown()), raw, ['event_sink_args', sinkType]);
      const config = await this.#updatedConfig(channel, unsealConfig(channel, current.config as Record<string, unknown>, this.deps.box, who), given);
      await assertEgress(channel, config, this.deps.egress);
      sealed = sealConfig(channel, config, this.deps.box, who);
      changedConfig.push(...Object.keys(given).sort());
    }

    const enabled = body.enabled ?? current.enabled;
    const result = await this.deps.db.withTenant(principal.tenantId, async (tx) => {
      const { count } = await tx.eventSink.updateMany({
        where: { id, deletedAt: null, updatedAt: current.updatedAt },
        data: {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(events === undefined ? {} : { events }),
          ...(body.min_severity === undefined ? {} : { minSeverity: body.min_severity }),
          ...(body.rate_per_second === undefined ? {} : { ratePerSecond: body.rate_per_second }),
          ...(sealed === undefined ? {} : { config: sealed as object }),
          // Enabling closes the circuit: the failing run starts again from the next attempt.
          ...(enabled === current.enabled ? {} : { enabled, disabledReason: enabled ? null : 'disabled_by_admin', failingSince: null }),
        },
      });
      if (count === 0) return undefined;
      // Disabling holds what waits; enabling resumes what was held, in the same transaction.
      if (enabled !== current.enabled && !enabled) await holdSinkDeliveries(tx, id);
      const resumed = enabled !== current.enabled && enabled ? await resumeSinkDeliveries(tx, id, this.deps.relayGraceMs) : [];
      return { sink: (await tx.eventSink.findFirst({ where: { id } }))!, resumed };
    });
    if (!result) throw new ApiError(409, 'conflict', 'The event sink changed or was deleted while this update was prepared; read it again and retry.');
    const { sink: updated, resumed } = result;
    this.deps.cache.invalidate(principal.tenantId);
    enqueueResumed(this.deps.producer, this.deps.logger, resumed);

    const changed = [
      ...(['name', 'description', 'events', 'min_severity', 'rate_per_second'] as const).filter((field) => body[field] !== undefined),
      ...changedConfig.map((field) => `event_sink_args.${channel.sinkType}.${field}`),
    ];
    if (changed.length > 0) await this.deps.audit.record(principal, { action: 'EVENT_SINK_UPDATED', resource: sinkResource(updated), detail: { changed } });
    if (enabled !== current.enabled) {
      await this.deps.audit.record(principal, {
        action: enabled ? 'EVENT_SINK_ENABLED' : 'EVENT_SINK_DISABLED',
        resource: sinkResource(updated),
        detail: enabled ? { reason: null, previous_reason: current.disabledReason, resumed_deliveries: resumed.length } : { reason: 'disabled_by_admin' },
      });
    }
    return presentSink(updated);
  }

  /** The config a PUT stores: the creation hook's when the given fields call for it, else the merge. */
  async #updatedConfig(channel: AnyChannel, stored: Record<string, unknown>, given: Record<string, unknown>): Promise<Record<string, unknown>> {
    const path = ['event_sink_args', channel.sinkType];
    const hookInput = channel.create?.inputSchema.safeParse(withoutMarkers(channel, given));
    if (channel.create && hookInput?.success && channel.create.needsPrepare(hookInput.data)) return prepareConfig(channel, channel.create, hookInput.data as Record<string, unknown>, this.deps.senders);
    return parseOrThrow(channel.configSchema, mergeConfig(channel, stored, given), path) as Record<string, unknown>;
  }

  /** Sends a test event at the sink's minimum severity now (a disabled sink too), and answers the attempt. */
  async test(principal: Principal, id: string) {
    const sink = await this.deps.db.withTenant(principal.tenantId, (tx) => tx.eventSink.findFirst({ where: { id, deletedAt: null } }));
    if (!sink) throw new ApiError(404, 'not_found', 'No event sink with that id.');
    const channel = channelById(sink.channel)!;
    if (!planAllows(principal.plan, channel.plan)) throw planRequired(channel.plan, `The ${channel.sinkType} integration`);
    const result = await sendTest(this.deps, principal, channel, sink);
    await this.deps.audit.record(principal, { action: 'EVENT_SINK_TESTED', resource: sinkResource(sink), detail: { test_id: result.id, outcome: result.outcome, status: result.status, error_code: result.error_code } });
    return result;
  }

  /** Soft delete: the attempt history stays; deliveries not yet sent (held ones too) end `skipped`. */
  async delete(principal: Principal, id: string) {
    const deleted = await this.deps.db.withTenant(principal.tenantId, async (tx) => {
      const sink = await tx.eventSink.findFirst({ where: { id, deletedAt: null }, select: { id: true, name: true } });
      // A concurrent delete may have won since the read: only the one that sets deleted_at goes on.
      const { count } = await tx.eventSink.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date(), enabled: false } });
      if (!sink || count === 0) return undefined;
      await tx.delivery.updateMany({
        where: { sinkId: id, state: { in: ['pending', 'retrying', 'held'] } },
        data: { state: 'skipped', lastErrorCode: 'sink_deleted', finishedAt: new Date(), updatedAt: new Date() },
      });
      return sink;
    });
    if (!deleted) throw new ApiError(404, 'not_found', 'No event sink with that id.');
    this.deps.cache.invalidate(principal.tenantId);
    await this.deps.audit.record(principal, { action: 'EVENT_SINK_DELETED', resource: sinkResource(deleted) });
    return { id, tenant_id: principal.tenantId };
  }
}
