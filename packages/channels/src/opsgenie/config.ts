import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';

/**
 * Where alerts go. `us` and `eu` are Opsgenie's two instances: an account lives in exactly one,
 * and a key of one is refused by the other with 401 ("If using the EU instance of Opsgenie, the
 * URL needs to be https://api.eu.opsgenie.com", https://docs.opsgenie.com/docs/alert-api;
 * healthchecks/healthchecks#294). `jsm` is the successor, Jira Service Management Operations,
 * which takes the same alert body (https://developer.atlassian.com/cloud/jira/service-desk-ops/rest/v1/api-group-integration-events/).
 * Opsgenie's own API ends on 2027-04-05.
 */
export const OPSGENIE_REGIONS = ['us', 'eu', 'jsm'] as const;
export type OpsgenieRegion = (typeof OPSGENIE_REGIONS)[number];

/** Production base URLs, by region. */
export const OPSGENIE_BASE_URLS: Readonly<Record<OpsgenieRegion, string>> = {
  us: 'https://api.opsgenie.com',
  eu: 'https://api.eu.opsgenie.com',
  jsm: 'https://api.atlassian.com',
};

/**
 * The create-alert path, by region, appended to the base URL (or to `api_url`). Opsgenie:
 * `POST /v2/alerts` (https://docs.opsgenie.com/docs/alert-api#create-alert); JSM Operations:
 * `POST /jsm/ops/integration/v2/alerts` (developer.atlassian.com, integration events).
 */
export const OPSGENIE_ALERTS_PATHS: Readonly<Record<OpsgenieRegion, string>> = {
  us: '/v2/alerts',
  eu: '/v2/alerts',
  jsm: '/jsm/ops/integration/v2/alerts',
};

/**
 * An integration API key. Opsgenie's keys are UUIDs (`eb243592-faa2-4ba2-a551q-1afdf565c889`
 * in the vendor's own examples, which is not even a valid UUID), JSM integration keys too; no
 * format is documented, so any 8–128 characters of `[A-Za-z0-9_-]` are accepted. The charset
 * also keeps the `Authorization` header free of anything that could split it.
 */
export const OPSGENIE_API_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/** Longest `api_url`: the practical limit of proxies and browsers (see webhook's URL limit). */
export const OPSGENIE_API_URL_MAX_LENGTH = 2048;

/**
 * Most responders per alert. The Alert API v1 page documents "50 teams" and "50 recipients"
 * ("Teams which are exceeding the limit are ignored", https://docs.opsgenie.com/docs/alert-deprecated);
 * the v2 page names no number, so the v1 one holds. Refusing a 51st at save beats a silent drop.
 */
export const OPSGENIE_RESPONDERS_MAX = 50;

/**
 * Longest responder id, name or username. Opsgenie documents none; ids are UUIDs, usernames are
 * e-mail addresses (≤ 254, RFC 5321) and names are short. 512 bounds the stored config.
 */
export const OPSGENIE_RESPONDER_FIELD_MAX_LENGTH = 512;

/**
 * Tags: "At most 20 tags can be specified for a single alert where each tag is limited to at most
 * 50 characters" (https://docs.opsgenie.com/docs/alerts-and-alert-fields).
 */
export const OPSGENIE_TAGS_MAX = 20;
export const OPSGENIE_TAG_MAX_LENGTH = 50;

/**
 * Tags Tocsin adds to every alert: `tocsin`, `severity:<sev>`, `category:<cat>`, the action.
 * Configured tags may fill the rest of the 20, so none of them is ever dropped.
 */
export const OPSGENIE_GENERATED_TAGS = 4;
export const OPSGENIE_CONFIG_TAGS_MAX = OPSGENIE_TAGS_MAX - OPSGENIE_GENERATED_TAGS;

/**
 * A static tag: visible text without whitespace or commas. The Opsgenie UI separates tags with
 * spaces ("Multiple-tags should be seperated by spaces", alerts-and-alert-fields) and API v1
 * took them comma-separated, so either would split one tag into two somewhere.
 */
const TAG_PATTERN = /^[^\s,\p{Cc}\p{Cf}]+$/u;

const identifier = z
  .string()
  .min(1)
  .max(OPSGENIE_RESPONDER_FIELD_MAX_LENGTH)
  .refine((value) => value.trim() === value && !/\p{Cc}/u.test(value), { message: 'must not have surrounding whitespace or control characters' });

/**
 * A responder (opsgenie-oas `definitions/common.yaml` Recipient): a team, user, escalation or
 * schedule, named by exactly one identifier — `id`, or `name` for teams, escalations and
 * schedules, or `username` for users.
 */
export const opsgenieResponderSchema = z
  .strictObject({
    type: z.enum(['team', 'user', 'escalation', 'schedule']),
    id: identifier.optional(),
    name: identifier.optional(),
    username: identifier.optional(),
  })
  .superRefine((responder, ctx) => {
    const given = (['id', 'name', 'username'] as const).filter((key) => responder[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of id, name or username' });
      return;
    }
    if (responder.type === 'user' && responder.name !== undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a user is named by id or username' });
    if (responder.type !== 'user' && responder.username !== undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: `a ${responder.type} is named by id or name` });
  });

export type OpsgenieResponder = z.infer<typeof opsgenieResponderSchema>;

/** `api_url`: a base URL (scheme, host, optional path prefix) without query or fragment. */
const apiUrlField = httpUrlField(OPSGENIE_API_URL_MAX_LENGTH).refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.search === '' && url.hash === '' && !value.includes('?') && !value.includes('#');
    } catch {
      return false;
    }
  },
  { message: 'must be a base URL without query or fragment; the alerts path is appended' },
);

export const opsgenieConfigSchema = z.strictObject({
  /** The API integration's key (Opsgenie: Settings → Integrations → API; JSM: Operations → Integrations → API). Secret. */
  api_key: z.string().regex(OPSGENIE_API_KEY_PATTERN, { message: 'must be 8 to 128 characters of A-Z, a-z, 0-9, - and _' }),
  /** `us` (default), `eu`, or `jsm` for Jira Service Management Operations. */
  region: z.enum(OPSGENIE_REGIONS).optional(),
  /**
   * Overrides the region's base URL (proxies, tests). The region's path is appended:
   * `/v2/alerts` for us/eu, `/jsm/ops/integration/v2/alerts` for jsm.
   */
  api_url: apiUrlField.optional(),
  /** Who is notified. Without it, the integration's own team and routing rules decide. */
  responders: z.array(opsgenieResponderSchema).max(OPSGENIE_RESPONDERS_MAX).optional(),
  /** Static tags added to every alert, after Tocsin's own four. */
  tags: z
    .array(z.string().min(1).max(OPSGENIE_TAG_MAX_LENGTH).regex(TAG_PATTERN, { message: 'must be visible text without spaces or commas' }))
    .max(OPSGENIE_CONFIG_TAGS_MAX)
    .optional(),
});

export type OpsgenieConfig = z.infer<typeof opsgenieConfigSchema>;

/** The create-alert URL this config sends to: the region's path on `api_url` or the region's host. */
export function alertsEndpoint(config: Pick<OpsgenieConfig, 'region' | 'api_url'>): string {
  const region = config.region ?? 'us';
  const base = (config.api_url ?? OPSGENIE_BASE_URLS[region]).replace(/\/+$/, '');
  return `${base}${OPSGENIE_ALERTS_PATHS[region]}`;
}
