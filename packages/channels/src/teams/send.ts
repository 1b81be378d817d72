import { perDelivery, type OpenDeps, type Resolved, type Sender } from '../core/channel.js';
import { classifyStatus, classifyTransportError, OUTCOME_BODY_MAX_BYTES } from '../core/classify.js';
import type { HttpResponse } from '../core/http.js';
import { HttpTransportError } from '../core/http-error.js';
import type { Outcome } from '../core/outcome.js';
import { truncateUtf8 } from '../core/truncate.js';
import { cardFormatFor, type TeamsConfig } from './config.js';
import { renderTeams } from './render.js';

/**
 * Classic connectors answer HTTP 200 even when delivery failed and put Teams' own status in the
 * body: `Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error
 * 429 with ContextId …` (msteams-docs connectors-using.md: "Connectors do not throw 429s", and
 * MicrosoftDocs/msteams-docs#1810, #4145, #7425). There is no code field; the embedded status is
 * the only structured part of the answer.
 */
const EMBEDDED_STATUS = /\bHTTP error (\d{3})\b/;
const DELIVERY_FAILED = 'Webhook message delivery failed';
/** A classic connector's success body (connectors-using.md: "you should see a simple 1"). */
const CONNECTOR_OK = '1';

type Kind = 'workflow' | 'connector';

/** What to do about an answer, by status: the setup steps that fix it. Never names the URL. */
function hint(status: number, kind: Kind): string | undefined {
  if (kind === 'connector') {
    if (status === 401 || status === 403 || status === 404 || status === 410) {
      return 'the connector URL no longer works; classic Office 365 connectors were retired in May 2026: create a Workflow ("Post to a channel when a webhook request is received") and use its URL';
    }
    if (status === 413) return 'the card is larger than Teams accepts';
    if (status === 429) return 'Teams throttled the connector (4 requests per second per channel)';
    return undefined;
  }
  if (status === 401 || status === 403) return 'the flow refused the request: in the flow\'s trigger, set "Who can trigger the flow" to "Anyone"';
  if (status === 404 || status === 410) return 'the workflow URL is stale, or the flow was deleted or turned off: copy the current URL from the flow\'s trigger';
  if (status === 413) return 'the card is larger than Teams accepts';
  if (status === 429) return 'Power Automate throttled the workflow';
  return undefined;
}

const withHint = (message: string, status: number, kind: Kind): string => {
  const text = hint(status, kind);
  return text === undefined ? message : `${message}: ${text}`;
};

/**
 * A 2xx whose body says delivery failed, classified by the status inside it with the shared
 * rules (429 retried, 413 permanent `payload_too_large`, 400 permanent, 5xx retried). Undefined
 * when the 2xx means delivered (`1` from a connector, an empty 202 from Workflows).
 */
function connectorFailure(response: HttpResponse, now: Date): Outcome | undefined {
  const text = response.body.trim();
  if (text === CONNECTOR_OK || text === '') return undefined;
  const match = EMBEDDED_STATUS.exec(text);
  if (match !== null) {
    const embedded = Number(match[1]);
    const inner = classifyStatus(embedded, response.headers, response.body, { now });
    if (inner.kind === 'delivered') return undefined;
    const message = withHint(`Teams answered HTTP ${response.status} but reported HTTP error ${embedded}`, embedded, 'connector');
    return { ...inner, status: response.status, message };
  }
  if (text.includes(DELIVERY_FAILED)) {
    return {
      kind: 'permanent',
      reason: 'unexpected_response',
      message: `Teams answered HTTP ${response.status} but reported that delivery failed, without a status`,
      status: response.status,
      body: truncateUtf8(response.body, OUTCOME_BODY_MAX_BYTES),
    };
  }
  return undefined;
}

/** Classifies a Teams answer: the shared rules, the connectors' 200-with-error quirk, and setup hints. */
export function classifyTeamsResponse(response: HttpResponse, kind: Kind, now: Date): Outcome {
  if (response.status >= 200 && response.status <= 299) {
    const failure = connectorFailure(response, now);
    if (failure !== undefined) return failure;
  }
  const outcome = classifyStatus(response.status, response.headers, response.body, { now });
  if (outcome.kind === 'delivered') return outcome;
  return { ...outcome, message: withHint(outcome.message, response.status, kind) };
}

/**
 * POSTs the card. Workflows answer 202 at once and run the flow later, so a card the flow rejects
 * afterwards shows only in the flow's run history (channels.md §5).
 */
export function openTeams(config: Resolved<TeamsConfig, 'webhook_url'>, { http }: OpenDeps): Sender {
  const url = config.webhook_url.reveal();
  const format = cardFormatFor(url, config.format);
  const kind: Kind = cardFormatFor(url) === 'message_card' ? 'connector' : 'workflow';
  return perDelivery(async ({ event }, ctx) => {
    const { body, headers } = renderTeams(event, format);
    let response: HttpResponse;
    try {
      response = await http.request({ method: 'POST', url, headers, body });
    } catch (error) {
      if (error instanceof HttpTransportError) return classifyTransportError(error);
      throw error;
    }
    return classifyTeamsResponse(response, kind, ctx.now());
  });
}
