import { z } from 'zod';
import { SEVERITIES, lookupAction } from '@tocsin/catalog';
import { channelBySinkType, type AnyChannel } from '@tocsin/channels';
import { cursorParam, limitParam } from '../paging.js';

/**
 * A sink's event list: `["*"]`, or catalog events by constant or wire string (stored as
 * constants). Which catalog events a kind may take is checked with the kind, in `createSinkBody`.
 */
export const eventsFilter = z
  .array(z.string().min(1).max(200))
  .min(1)
  .max(500)
  .superRefine((list, ctx) => {
    if (list.includes('*') && list.length > 1) ctx.addIssue({ code: 'custom', message: '"*" must be the only entry' });
    list.forEach((action, i) => {
      if (action !== '*' && !lookupAction(action)) ctx.addIssue({ code: 'custom', path: [i], message: `${action} is not in the event catalog (GET /v1/catalog)` });
    });
  });

/** `["*"]` or the constants of the listed events, each once. */
export const normalizeEvents = (list: string[]): string[] => (list.includes('*') ? ['*'] : [...new Set(list.map((a) => lookupAction(a)!.constant))]);

/**
 * Entries of an event list that a kind may not take: alert kinds take push-eligible events only,
 * SIEM kinds any typed event (docs/architecture.md, "Who receives an event").
 */
export function eventsRefused(channel: Pick<AnyChannel, 'routing' | 'sinkType'>, events: readonly string[]): { index: number; message: string }[] {
  if (channel.routing === 'siem') return [];
  return events.flatMap((action, index) => {
    const entry = lookupAction(action);
    return entry && !entry.push ? [{ index, message: `${entry.constant} is not eligible for push to ${channel.sinkType}; read it through the Events API or send it to a SIEM kind` }] : [];
  });
}

/**
 * A sink's own send rate, overriding its kind's default (docs/architecture.md, "Rate limits per
 * sink"): `null` restores the default, `0` is unlimited. Batching kinds are paced per request by
 * the vendor's own limits and take none (checked with the kind, in the service).
 */
export const ratePerSecond = z.number().min(0).max(1000).nullable();

/** `event_sink_args`: exactly one sink type and its fields. */
const sinkArgs = z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length === 1, {
  message: 'must hold exactly one sink type, e.g. {"Webhook": {"url": "https://…"}}',
});

/**
 * The body of POST /v1/event_sink. `event_sink_args` is checked against its sink type's own
 * schema next. Alert kinds take only push-eligible events; SIEM kinds take any typed event of
 * either catalog (docs/architecture.md, "Who receives an event").
 */
export const createSinkBody = z
  .strictObject({
    tenant_id: z.uuid().optional(),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).default(''),
    event_sink_args: sinkArgs,
    events: eventsFilter.default(['*']),
    min_severity: z.enum(SEVERITIES).default('low'),
    enabled: z.boolean().default(true),
    rate_per_second: ratePerSecond.default(null),
  })
  .superRefine((body, ctx) => {
    const channel = channelBySinkType(Object.keys(body.event_sink_args)[0] ?? '');
    if (channel === undefined) return;
    for (const { index, message } of eventsRefused(channel, body.events)) ctx.addIssue({ code: 'custom', path: ['events', index], message });
  })
  .transform((body) => ({ ...body, events: normalizeEvents(body.events) }));
export type CreateSinkBody = z.infer<typeof createSinkBody>;

/**
 * The body of PUT /v1/event_sink/{id} (seed 004): every field optional, what is omitted is kept.
 * `event_sink_args` names the sink's own type and only the fields that change; `null` clears an
 * optional field, and an omitted (or `[REDACTED]`) secret is kept. `id` and `tenant_id`, when
 * sent, must be the sink's.
 */
export const updateSinkBody = z
  .strictObject({
    id: z.uuid().optional(),
    tenant_id: z.uuid().optional(),
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    event_sink_args: sinkArgs.optional(),
    events: eventsFilter.optional(),
    min_severity: z.enum(SEVERITIES).optional(),
    enabled: z.boolean().optional(),
    rate_per_second: ratePerSecond.optional(),
  })
  .refine((body) => Object.keys(body).some((key) => key !== 'id' && key !== 'tenant_id'), { message: 'nothing to update: send at least one field' });
export type UpdateSinkBody = z.infer<typeof updateSinkBody>;

export const sinkIdParam = z.strictObject({ id: z.uuid() });

/** `GET /v1/event_sink?limit=&cursor=`: oldest first. */
export const listSinksQuery = z.strictObject({ limit: limitParam.optional(), cursor: cursorParam.optional() });
export type ListSinksQuery = z.infer<typeof listSinksQuery>;
