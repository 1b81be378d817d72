import { randomUUID } from 'node:crypto';
import { assertUrlAllowed, channelBySinkType, PrepareError, sealConfig, sinkTypes, type AnyChannel, type EgressPolicy, type SenderCache } from '@tocsin/channels';
import type { Database, SecretBox } from '@tocsin/db';
import { ApiError, parseOrThrow } from '../errors.js';
import { planAllows, planRequired } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { SinkCache } from './cache.js';
import type { CreateSinkBody } from './schema.js';
import { presentSink } from './present.js';
import type { ConfigAudit } from '../audit/config-audit.js';

export interface SinkServiceDeps {
  db: Database;
  box: SecretBox;
  egress: EgressPolicy;
  cache: SinkCache;
  /** Channels' HTTP clients and operator settings, for creation hooks (Slack's OAuth exchange). */
  senders: SenderCache;
  audit: ConfigAudit;
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
  let prepared: unknown;
  try {
    prepared = await channel.create.prepare(input, senders.prepareDeps(channel));
  } catch (err) {
    if (!(err instanceof PrepareError)) throw err;
    const status = err.fault === 'operator' ? 503 : 400;
    throw new ApiError(status, err.code, err.message, [{ path: `event_sink_args.${channel.sinkType}.${err.field}`, message: err.message }]);
  }
  return parseOrThrow(channel.configSchema, prepared, ['event_sink_args', channel.sinkType]) as Record<string, unknown>;
}

/** Checks every URL the channel will contact against the egress guard (this resolves DNS). */
async function assertEgress(channel: AnyChannel, config: Record<string, unknown>, egress: EgressPolicy): Promise<void> {
  for (const url of channel.urls(config)) {
    try {
      await assertUrlAllowed(url, egress);
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'refused';
      throw new ApiError(400, 'egress_denied', 'A destination URL is not allowed.', [{ path: `event_sink_args.${channel.sinkType}`, message: reason }]);
    }
  }
}

function assertTenant(principal: Principal, tenantId: string | undefined): void {
  if (tenantId !== undefined && tenantId !== principal.tenantId) {
    throw new ApiError(403, 'tenant_mismatch', "tenant_id does not match the caller's tenant.", [{ path: 'tenant_id', message: 'must be your own tenant' }]);
  }
}

/** A sink as the resource of a configuration event. */
const sinkResource = (sink: { id: string; name: string }) => ({ id: sink.id, type: 'EventSink', name: sink.name });

export class SinkService {
  constructor(private readonly deps: SinkServiceDeps) {}

  async create(principal: Principal, body: CreateSinkBody) {
    assertTenant(principal, body.tenant_id);
    const { channel, input } = parseArgs(body.event_sink_args);
    if (!planAllows(principal.plan, channel.plan)) throw planRequired(channel.plan, `The ${channel.sinkType} integration`);
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
        },
      }),
    );
    this.deps.cache.invalidate(principal.tenantId);
    await this.deps.audit.record(principal, { action: 'EVENT_SINK_CREATED', resource: sinkResource(sink), detail: { event_sink_type: channel.sinkType, events: sink.events, min_severity: sink.minSeverity, enabled: sink.enabled } });
    return presentSink(sink);
  }

  async list(principal: Principal) {
    const sinks = await this.deps.db.withTenant(principal.tenantId, (tx) =>
      tx.eventSink.findMany({ where: { deletedAt: null }, orderBy: { createdAt: 'asc' } }),
    );
    return sinks.map(presentSink);
  }

  async get(principal: Principal, id: string) {
    const sink = await this.deps.db.withTenant(principal.tenantId, (tx) => tx.eventSink.findFirst({ where: { id, deletedAt: null } }));
    if (!sink) throw new ApiError(404, 'not_found', 'No event sink with that id.');
    return presentSink(sink);
  }

  /** Soft delete: the attempt history stays; deliveries not yet sent end `skipped`. */
  async delete(principal: Principal, id: string) {
    const deleted = await this.deps.db.withTenant(principal.tenantId, async (tx) => {
      const sink = await tx.eventSink.findFirst({ where: { id, deletedAt: null }, select: { id: true, name: true } });
      // A concurrent delete may have won since the read: only the one that sets deleted_at goes on.
      const { count } = await tx.eventSink.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date(), enabled: false } });
      if (!sink || count === 0) return undefined;
      await tx.delivery.updateMany({
        where: { sinkId: id, state: { in: ['pending', 'retrying'] } },
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
