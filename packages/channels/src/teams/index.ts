import { defineChannel } from '../core/channel.js';
import { teamsConfigSchema } from './config.js';
import { openTeams } from './send.js';

export { teamsConfigSchema, cardFormatFor, TEAMS_CARD_FORMATS, TEAMS_WEBHOOK_URL_MAX_LENGTH, type TeamsConfig, type TeamsCardFormat } from './config.js';
export { renderTeams, TEAMS_MESSAGE_MAX_BYTES, ADAPTIVE_CARD_VERSION, type RenderedTeams } from './render.js';
export { SEVERITY_STYLES, severityStyle, type SeverityStyle } from './severity.js';
export { escapeMarkdown } from './text.js';
export { classifyTeamsResponse } from './send.js';

/** Microsoft Teams: a Workflows webhook (Adaptive Card) or a legacy connector (MessageCard). See README.md. */
export const teams = defineChannel({
  id: 'teams',
  sinkType: 'Teams',
  plan: 'team',
  configSchema: teamsConfigSchema,
  // The URL is the credential: its `sig` query parameter authorises the post.
  secretFields: ['webhook_url'],
  urls: (config) => [config.webhook_url],
  request: {
    // msteams-docs connectors-using.md "Rate limiting for connectors": at most 4 requests per
    // 1 s (and 60 per 30 s) per channel; add-incoming-webhook.md says Workflows webhooks are
    // throttled above 4 requests per second too. The per-sink pace keeps one sink under it.
    ratePerSecond: 4,
  },
  open: openTeams,
});
