import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';

/** Longest `instance_url`: the practical limit of proxies and browsers (see webhook's URL limit). */
export const SERVICENOW_INSTANCE_URL_MAX_LENGTH = 2048;

/** The table incidents go to when the sink names none. */
export const SERVICENOW_DEFAULT_TABLE = 'incident';

/**
 * A table name: lowercase letters, digits and `_` (`incident`, `sn_si_incident`,
 * `u_security_incident`), at most 80 characters — ServiceNow's `sys_db_object.name` length
 * [UNVERIFIED: instance dictionary]. The charset also keeps the name a single path segment.
 */
export const SERVICENOW_TABLE_PATTERN = /^[a-z0-9_]{1,80}$/;

/**
 * `assignment_group` and `caller_id` are reference fields: a 32-character sys_id, or (resolved by
 * the instance) a display value. 100 bounds the stored config; a sys_id is 32.
 */
export const SERVICENOW_REFERENCE_MAX_LENGTH = 100;

/** `category` is a choice field; its OOTB dictionary length is 40 [UNVERIFIED: instance dictionary]. */
export const SERVICENOW_CATEGORY_MAX_LENGTH = 40;

/**
 * Credential lengths bound the stored config only; ServiceNow documents no maximum. `user_name`
 * on `sys_user` is far shorter than 255 out of the box.
 */
export const SERVICENOW_USERNAME_MAX_LENGTH = 255;
export const SERVICENOW_PASSWORD_MAX_LENGTH = 1024;

/** C0 controls and DEL: nothing a person can type into a login form or a field value. */
const CONTROL = /[\u0000-\u001f\u007f]/;

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !CONTROL.test(value), { message: 'must not contain control characters' });

/** No query and no fragment: the channel appends `/api/now/table/<table>` and its own query. */
function isBaseUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.search === '' && url.hash === '' && !value.includes('?') && !value.includes('#');
  } catch {
    return false;
  }
}

export const servicenowConfigSchema = z.strictObject({
  /**
   * The instance, e.g. `https://acme.service-now.com` (a custom domain or a proxy with a path
   * prefix works too). The Table API is reached at `<instance_url>/api/now/table/<table>`.
   */
  instance_url: httpUrlField(SERVICENOW_INSTANCE_URL_MAX_LENGTH).refine(isBaseUrl, { message: 'must not have a query or a fragment' }),
  /**
   * The integration user's `user_name`. Not a secret, but it is part of the Basic credential:
   * RFC 7617 forbids a colon in it.
   */
  username: text(SERVICENOW_USERNAME_MAX_LENGTH).refine((value) => !value.includes(':'), { message: 'must not contain a colon (RFC 7617 Basic authentication)' }),
  /** The integration user's password. Encrypted at rest, never returned by the API. */
  password: text(SERVICENOW_PASSWORD_MAX_LENGTH),
  /**
   * A table that extends `task` (it needs `correlation_id`, which the lookup before every create
   * filters on). @defaultValue `incident`
   */
  table: z.string().regex(SERVICENOW_TABLE_PATTERN, { message: 'must be 1-80 of a-z, 0-9 and _' }).optional(),
  /** `sys_user_group` sys_id (or name) the incident is assigned to. */
  assignment_group: text(SERVICENOW_REFERENCE_MAX_LENGTH).optional(),
  /** `sys_user` sys_id (or user name) recorded as the caller. */
  caller_id: text(SERVICENOW_REFERENCE_MAX_LENGTH).optional(),
  /** The incident's `category` choice value, e.g. `software` or `network`. */
  category: text(SERVICENOW_CATEGORY_MAX_LENGTH).optional(),
});

export type ServiceNowConfig = z.infer<typeof servicenowConfigSchema>;

/** The Table API URL of the configured table, without a query. */
export function tableEndpoint(config: Pick<ServiceNowConfig, 'instance_url' | 'table'>): string {
  return `${config.instance_url.replace(/\/+$/, '')}/api/now/table/${config.table ?? SERVICENOW_DEFAULT_TABLE}`;
}
