import type { ChannelFixture } from '../testing/fixture.js';
import type { ReceivedRequest } from '../testing/test-receiver.js';
import { envelopeProblems } from './card-check.js';
import type { TeamsConfig } from './config.js';
import { TEAMS_MESSAGE_MAX_BYTES } from './render.js';

const SIG = 'SIGVALUE123';
const WORKFLOW_PATH = `/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
const WORKFLOW_URL = `https://default0123.45.environment.api.powerplatform.com:443${WORKFLOW_PATH}`;

export const fixture: ChannelFixture<TeamsConfig> = {
  validConfig: (receiverUrl) => ({ webhook_url: `${receiverUrl}${WORKFLOW_PATH}`, format: 'adaptive_card' }),
  invalidConfigs: [
    {},
    { format: 'adaptive_card' },
    { webhook_url: 42 },
    { webhook_url: null },
    { webhook_url: '' },
    { webhook_url: 'not a url' },
    { webhook_url: '/powerautomate/automations/direct/workflows/abc' },
    { webhook_url: 'ftp://example.com/hook' },
    { webhook_url: 'file:///etc/passwd' },
    { webhook_url: 'https://user:pass@example.webhook.office.com/webhookb2/x' },
    { webhook_url: `${WORKFLOW_URL}\r\nX-Injected: 1` },
    { webhook_url: ` ${WORKFLOW_URL}` },
    { webhook_url: `https://example.com/${'a'.repeat(2048)}` },
    { webhook_url: WORKFLOW_URL, format: 'AdaptiveCard' },
    { webhook_url: WORKFLOW_URL, format: 'text' },
    { webhook_url: WORKFLOW_URL, format: null },
    { webhook_url: WORKFLOW_URL, format: 1 },
    // The Slack-style name is not an alias.
    { url: WORKFLOW_URL },
  ],
  secretValues: (config) => {
    const sig = new URL(config.webhook_url).searchParams.get('sig');
    return [config.webhook_url, ...(sig === null ? [] : [sig])];
  },
  // Workflows answer 202 with an empty body; the default (empty) is that.
  maxBodyBytes: TEAMS_MESSAGE_MAX_BYTES,
  checkOversized(request: ReceivedRequest) {
    const message = JSON.parse(request.body.toString('utf8')) as { attachments: Array<{ content: { body: Array<{ type: string; text?: string; facts?: unknown[] }> } }> };
    const problems = envelopeProblems(message);
    if (problems.length > 0) throw new Error(`the oversized card is not a valid Adaptive Card 1.4: ${problems.join('; ')}`);
    const body = message.attachments[0]!.content.body;
    // HUGE_DETAIL holds 2,001 keys: most are left out, and the card says so.
    const note = body.find((element) => element.type === 'TextBlock' && /more detail keys not shown/.test(element.text ?? ''));
    if (note === undefined) throw new Error('the oversized card does not say that detail keys were left out');
  },
};
