import { PrepareError, type OperatorSetting, type PrepareDeps } from '../core/channel.js';
import type { HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import { apiBase, slackBotConfigSchema, type SlackBotConfig, type SlackOAuthInput } from './config.js';
import { asErrorCode } from './errors.js';
import { jsonObject } from '../core/json.js';

export const SLACK_CLIENT_ID_ENV = 'TOCSIN_SLACK_CLIENT_ID';
export const SLACK_CLIENT_SECRET_ENV = 'TOCSIN_SLACK_CLIENT_SECRET';

/** The operator's Slack app: the OAuth client that exchanges the admins' codes. */
export const SLACK_SETTINGS: readonly OperatorSetting[] = [
  { env: SLACK_CLIENT_ID_ENV, description: 'Client ID of the Slack app that installs Tocsin (api.slack.com/apps → Basic Information → App Credentials).', secret: false },
  { env: SLACK_CLIENT_SECRET_ENV, description: 'Client Secret of that Slack app; used only for oauth.v2.access.', secret: true },
];

/**
 * `oauth.v2.access` errors that are the operator's, not the admin's: the app's credentials are
 * wrong (https://docs.slack.dev/reference/methods/oauth.v2.access, "Errors"). The API answers
 * 503 for these; every other refusal (`invalid_code`, `bad_redirect_uri`, …) is a 400 and the
 * admin restarts the install.
 */
const OPERATOR_ERRORS = new Set(['bad_client_secret', 'invalid_client_id']);

const FIELD = 'slack_oauth_code';

function unavailable(detail: string): PrepareError {
  return new PrepareError('slack_unavailable', `Slack could not exchange the code right now (${detail}); try again`, FIELD, 'operator');
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Exchanges the code from Slack's OAuth redirect for a bot token (`oauth.v2.access`) and returns
 * the config to store. The client credentials go in `Authorization: Basic`, as Slack asks ("avoid
 * sending client_id and client_secret as parameters"). No message ever repeats the code, the
 * token or the client secret.
 *
 * @throws PrepareError `slack_oauth_not_configured` (operator), `slack_oauth_failed` (admin, or
 *   operator for the app's own credentials), `slack_unavailable` (operator: Slack unreachable,
 *   throttling or 5xx), `egress_denied`.
 */
export async function exchangeOAuthCode(input: SlackOAuthInput, { http, settings }: PrepareDeps): Promise<SlackBotConfig> {
  const clientId = settings[SLACK_CLIENT_ID_ENV];
  const clientSecret = settings[SLACK_CLIENT_SECRET_ENV];
  if (!clientId || !clientSecret) {
    throw new PrepareError('slack_oauth_not_configured', `Slack OAuth is not configured on this server: the operator sets ${SLACK_CLIENT_ID_ENV} and ${SLACK_CLIENT_SECRET_ENV}`, FIELD, 'operator');
  }

  let response: HttpResponse;
  try {
    response = await http.request({
      method: 'POST',
      url: `${apiBase(input.api_url)}/oauth.v2.access`,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`,
      },
      body: new URLSearchParams({ code: input.slack_oauth_code }).toString(),
    });
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    if (error.code === 'egress_denied') {
      // An admin's api_url is the admin's to fix; the default URL refused is the operator's.
      const admin = input.api_url !== undefined;
      throw new PrepareError('egress_denied', 'The Slack API URL is not allowed by the egress guard', admin ? 'api_url' : FIELD, admin ? 'admin' : 'operator');
    }
    throw unavailable(error.code);
  }

  if (response.status === 429 || response.status >= 500) throw unavailable(`HTTP ${response.status}`);
  const doc = jsonObject(response.body);
  if (doc === undefined) throw unavailable(`HTTP ${response.status} without a JSON answer`);

  if (doc.ok !== true) {
    const code = asErrorCode(doc.error);
    const fault = code !== undefined && OPERATOR_ERRORS.has(code) ? 'operator' : 'admin';
    throw new PrepareError('slack_oauth_failed', code ? `Slack refused the code: ${code}` : `Slack refused the code (HTTP ${response.status})`, FIELD, fault);
  }

  const token = slackBotConfigSchema.shape.bot_token.safeParse(doc.access_token);
  const tokenType = text(doc.token_type);
  if (!token.success || (tokenType !== undefined && tokenType !== 'bot')) {
    // A user-token-only install: the app asks for no bot scope. The operator's app setting.
    throw new PrepareError('slack_oauth_failed', 'Slack granted no bot token: the Slack app needs the chat:write bot scope', FIELD, 'operator');
  }

  const team = typeof doc.team === 'object' && doc.team !== null ? (doc.team as Record<string, unknown>) : {};
  const teamId = slackBotConfigSchema.shape.team_id.safeParse(team.id);
  const teamName = slackBotConfigSchema.shape.team_name.safeParse(team.name);
  return {
    channel: input.channel,
    bot_token: token.data,
    ...(input.api_url === undefined ? {} : { api_url: input.api_url }),
    ...(teamId.success && teamId.data !== undefined ? { team_id: teamId.data } : {}),
    ...(teamName.success && teamName.data !== undefined ? { team_name: teamName.data } : {}),
  };
}
