import { z } from 'zod';
import { SEVERITIES, lookupAction } from '@tocsin/catalog';

/**
 * A sink's event list: `["*"]`, or push-eligible catalog events by constant or wire string
 * (stored as constants). Events outside the push catalog are pulled, never pushed.
 */
export const eventsFilter = z
  .array(z.string().min(1).max(200))
  .min(1)
  .max(500)
  .superRefine((list, ctx) => {
    if (list.includes('*') && list.length > 1) ctx.addIssue({ code: 'custom', message: '"*" must be the only entry' });
    list.forEach((action, i) => {
      if (action === '*') return;
      const entry = lookupAction(action);
      if (!entry) ctx.addIssue({ code: 'custom', path: [i], message: `${action} is not in the event catalog (GET /v1/catalog)` });
      else if (!entry.push) ctx.addIssue({ code: 'custom', path: [i], message: `${entry.constant} is not eligible for push; read it through the Events API` });
    });
  })
  .transform((list) => (list.includes('*') ? ['*'] : [...new Set(list.map((a) => lookupAction(a)!.constant))]));

/** The body of POST /v1/event_sink. `event_sink_args` is checked against its sink type's own schema next. */
export const createSinkBody = z.strictObject({
  tenant_id: z.uuid().optional(),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  event_sink_args: z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length === 1, {
    message: 'must hold exactly one sink type, e.g. {"Webhook": {"url": "https://…"}}',
  }),
  events: eventsFilter.default(['*']),
  min_severity: z.enum(SEVERITIES).default('low'),
  enabled: z.boolean().default(true),
});
export type CreateSinkBody = z.infer<typeof createSinkBody>;

export const sinkIdParam = z.strictObject({ id: z.uuid() });
