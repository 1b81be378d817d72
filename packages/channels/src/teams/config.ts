import { z } from 'zod';
import { httpUrlField } from '../core/config-fields.js';

/**
 * Longest accepted webhook URL. Microsoft documents none; Workflows URLs (host, workflow id and the
 * `api-version`, `sp`, `sv` and `sig` query parameters) are about 300 characters. 2,048 is the
 * long-standing practical limit of browsers and proxies, as for the generic webhook.
 */
export const TEAMS_WEBHOOK_URL_MAX_LENGTH = 2048;

/**
 * The two payload shapes Teams accepts on a webhook:
 * - `adaptive_card`: the `{"type":"message","attachments":[…]}` envelope around an Adaptive Card
 *   1.4 — what Workflows ("Post to a channel when a webhook request is received") requires.
 * - `message_card`: the legacy Office 365 connector card (`@type: MessageCard`), for classic
 *   Incoming Webhook connectors, which Microsoft retired in May 2026.
 */
export const TEAMS_CARD_FORMATS = ['adaptive_card', 'message_card'] as const;
export type TeamsCardFormat = (typeof TEAMS_CARD_FORMATS)[number];

export const teamsConfigSchema = z.strictObject({
  /**
   * The Workflows trigger URL (or a legacy connector URL). A secret: its `sig` query parameter is
   * the only credential, so the whole URL is encrypted at rest and never printed.
   */
  webhook_url: httpUrlField(TEAMS_WEBHOOK_URL_MAX_LENGTH),
  /** The payload shape. @defaultValue chosen from the URL by {@link cardFormatFor} */
  format: z.enum(TEAMS_CARD_FORMATS).optional(),
});

export type TeamsConfig = z.infer<typeof teamsConfigSchema>;

/**
 * Classic connector URLs: `https://<tenant>.webhook.office.com/webhookb2/…` and the older
 * `https://outlook.office.com/webhook/…` (msteams-docs add-incoming-webhook.md; channels.md §4).
 */
function isClassicConnectorUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  const path = url.pathname.toLowerCase();
  if (host.endsWith('.webhook.office.com') && path.startsWith('/webhookb2/')) return true;
  return host === 'outlook.office.com' && path.startsWith('/webhook/');
}

/**
 * The payload shape for a sink: the configured `format` when set; otherwise a MessageCard for a
 * classic connector URL and the Adaptive Card envelope for everything else (Power Automate
 * Workflows on `*.environment.api.powerplatform.com`, the older `*.logic.azure.com`, or any other
 * host, e.g. a proxy). Pure.
 */
export function cardFormatFor(url: string, format?: TeamsCardFormat): TeamsCardFormat {
  if (format !== undefined) return format;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'adaptive_card';
  }
  return isClassicConnectorUrl(parsed) ? 'message_card' : 'adaptive_card';
}
