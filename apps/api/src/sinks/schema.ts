import { z } from 'zod';
import { SEVERITIES, lookupAction } from '@tocsin/catalog';
import { channelBySinkType } from '@tocsin/channels';

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
const normalizeEvents = (list: string[]): string[] => (list.includes('*') ? ['*'] : [...new Set(list.map((a) => lookupAction(a)!.constant))]);

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
    event_sink_args: z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length === 1, {
      message: 'must hold exactly one sink type, e.g. {"Webhook": {"url": "https://…"}}',
    }),
    events: eventsFilter.default(['*']),
    min_severity: z.enum(SEVERITIES).default('low'),
    enabled: z.boolean().default(true),
  })
  .superRefine((body, ctx) => {
    const channel = channelBySinkType(Object.keys(body.event_sink_args)[0] ?? '');
    if (channel === undefined || channel.routing === 'siem') return;
    body.events.forEach((action, i) => {
      const entry = lookupAction(action);
      if (entry && !entry.push) {
        ctx.addIssue({ code: 'custom', path: ['events', i], message: `${entry.constant} is not eligible for push to ${channel.sinkType}; read it through the Events API or send it to a SIEM kind` });
      }
    });
  })
  .transform((body) => ({ ...body, events: normalizeEvents(body.events) }));
export type CreateSinkBody = z.infer<typeof createSinkBody>;

export const sinkIdParam = z.strictObject({ id: z.uuid() });
