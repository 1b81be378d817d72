import type { ReactNode } from 'react';

/**
 * The form of each kind's `event_sink_args` (design §4; the channels' config schemas in
 * packages/channels/src/<kind>/config.ts are the authority: the api validates again and its 400
 * names the field). Checks here only catch the obvious before a round trip.
 */
export interface Field {
  name: string;
  label: string;
  required?: boolean;
  /** Never shown again once saved: the api answers `[REDACTED]`; blank on edit keeps it. */
  secret?: boolean;
  kind?: 'url' | 'text' | 'select';
  options?: readonly string[];
  pattern?: string;
  patternHint?: string;
  hint?: string;
}

export interface Kind {
  type: string;
  label: string;
  plan: 'team' | 'enterprise';
  fields: Field[];
  setup: ReactNode;
  docs: string;
}

const url = (name: string, label: string, extra: Partial<Field> = {}): Field => ({ name, label, kind: 'url', ...extra });
const apiUrl = url('api_url', 'API URL override', { hint: 'Optional: a proxy or regional endpoint instead of the vendor’s.' });

export const KINDS: Kind[] = [
  {
    type: 'Slack',
    label: 'Slack',
    plan: 'team',
    docs: 'https://api.slack.com/messaging/webhooks',
    fields: [url('webhook_url', 'Webhook URL', { required: true, secret: true, hint: 'Begins https://hooks.slack.com/services/T…/B…/…' })],
    setup: (
      <>
        <h3>Create a Slack app (or use an existing one)</h3>
        <ol>
          <li>Open api.slack.com/apps → Create New App → From scratch.</li>
          <li>App Name: Tocsin alerts. Workspace: pick yours.</li>
          <li>On the app’s home → Incoming Webhooks → Activate.</li>
          <li>Add New Webhook to Workspace.</li>
          <li>Pick the channel that should receive alerts (e.g. #soc-alerts).</li>
          <li>Slack shows a Webhook URL beginning https://hooks.slack.com/services/T…/B…/…. Copy it and paste it here.</li>
        </ol>
        <p>
          Per-channel webhooks are intentional: one webhook is one Slack channel. To split critical alerts to #soc and lower-severity ones to #noc, create two
          webhooks and two integrations with different minimum severities.
        </p>
      </>
    ),
  },
  {
    type: 'Teams',
    label: 'Microsoft Teams',
    plan: 'team',
    docs: 'https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook',
    fields: [
      url('webhook_url', 'Webhook URL', { required: true, secret: true, hint: 'Begins https://<tenant>.webhook.office.com/webhookb2/… or a Workflows URL' }),
      { name: 'format', label: 'Card format', kind: 'select', options: ['adaptive_card', 'message_card'], hint: 'Optional: chosen from the URL when unset.' },
    ],
    setup: (
      <>
        <h3>Add an Incoming Webhook connector to a Teams channel</h3>
        <ol>
          <li>Open Microsoft Teams. Right-click the channel you want alerts in → Connectors.</li>
          <li>Find Incoming Webhook → Configure.</li>
          <li>Name: Tocsin alerts. Optionally upload an icon.</li>
          <li>Click Create. Teams shows the webhook URL.</li>
          <li>Copy the URL — it begins https://&lt;tenant&gt;.webhook.office.com/webhookb2/… — and paste it here.</li>
        </ol>
        <p>
          Connectors are being phased out in some Teams plans in favour of Workflows. If your tenant doesn’t offer the classic Incoming Webhook connector, create
          a Workflow from the “Post to a channel when a webhook request is received” template and use the workflow’s URL.
        </p>
      </>
    ),
  },
  {
    type: 'PagerDuty',
    label: 'PagerDuty',
    plan: 'team',
    docs: 'https://developer.pagerduty.com/docs/events-api-v2/overview/',
    fields: [
      { name: 'routing_key', label: 'Integration (routing) key', required: true, secret: true, pattern: '[A-Za-z0-9]{32}', patternHint: '32 letters or digits' },
      { name: 'region', label: 'Region', kind: 'select', options: ['us', 'eu'] },
      apiUrl,
    ],
    setup: (
      <ol>
        <li>In PagerDuty open Services → your service → Integrations → Add an integration.</li>
        <li>Choose Events API V2 and add it.</li>
        <li>Copy the Integration Key (32 characters) and paste it here.</li>
      </ol>
    ),
  },
  {
    type: 'Opsgenie',
    label: 'Opsgenie / JSM',
    plan: 'team',
    docs: 'https://docs.opsgenie.com/docs/alert-api',
    fields: [
      { name: 'api_key', label: 'API key', required: true, secret: true, pattern: '[A-Za-z0-9_\\-]{8,128}', patternHint: '8 to 128 of A-Z, a-z, 0-9, - and _' },
      { name: 'region', label: 'Region', kind: 'select', options: ['us', 'eu', 'jsm'], hint: 'jsm: Jira Service Management Operations' },
      apiUrl,
    ],
    setup: (
      <ol>
        <li>In Opsgenie (or JSM Operations) open Settings → Integrations → Add integration → API.</li>
        <li>Give it a name, keep “Create and update access”, save.</li>
        <li>Copy the API key and paste it here; pick your region.</li>
      </ol>
    ),
  },
  {
    type: 'ServiceNow',
    label: 'ServiceNow',
    plan: 'team',
    docs: 'https://docs.servicenow.com/bundle/latest/page/integrate/inbound-rest/concept/c_TableAPI.html',
    fields: [
      url('instance_url', 'Instance URL', { required: true, hint: 'e.g. https://example.service-now.com' }),
      { name: 'username', label: 'Username', required: true },
      { name: 'password', label: 'Password', required: true, secret: true },
      { name: 'table', label: 'Table', hint: 'Optional, default incident' },
      { name: 'assignment_group', label: 'Assignment group' },
      { name: 'caller_id', label: 'Caller' },
      { name: 'category', label: 'Category' },
    ],
    setup: (
      <ol>
        <li>Create an integration user in ServiceNow with the itil role (or one that may create incidents).</li>
        <li>Enter the instance URL, the user and its password.</li>
      </ol>
    ),
  },
  {
    type: 'Webhook',
    label: 'Webhook',
    plan: 'team',
    docs: 'https://www.standardwebhooks.com/',
    fields: [
      url('url', 'URL', { required: true }),
      { name: 'secret', label: 'Signing secret', secret: true, pattern: 'whsec_.+', patternHint: 'whsec_ followed by base64', hint: 'Optional: signs each request (Standard Webhooks).' },
    ],
    setup: (
      <ol>
        <li>Give the URL of your receiver. Each request is a POST of the event record as JSON.</li>
        <li>With a secret, verify the webhook-signature header with any Standard Webhooks library.</li>
      </ol>
    ),
  },
  {
    type: 'Splunk',
    label: 'Splunk (HEC)',
    plan: 'enterprise',
    docs: 'https://docs.splunk.com/Documentation/Splunk/latest/Data/UsetheHTTPEventCollector',
    fields: [
      url('url', 'HEC URL', { required: true, hint: 'e.g. https://splunk.example.com:8088' }),
      { name: 'token', label: 'HEC token', required: true, secret: true },
      { name: 'index', label: 'Index' },
      { name: 'sourcetype', label: 'Sourcetype', hint: 'Optional, default tocsin:audit' },
      { name: 'source', label: 'Source' },
      { name: 'host', label: 'Host' },
    ],
    setup: (
      <ol>
        <li>In Splunk open Settings → Data inputs → HTTP Event Collector → New Token.</li>
        <li>Pick the allowed index; copy the token value.</li>
      </ol>
    ),
  },
  {
    type: 'Sentinel',
    label: 'Microsoft Sentinel',
    plan: 'enterprise',
    docs: 'https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview',
    fields: [
      url('endpoint', 'Data collection endpoint', { required: true }),
      { name: 'dcr_immutable_id', label: 'DCR immutable ID', required: true, pattern: 'dcr-[0-9a-f]{32}', patternHint: 'dcr- and 32 lowercase hex digits' },
      { name: 'stream_name', label: 'Stream name', required: true, pattern: 'Custom-[A-Za-z][A-Za-z0-9_]{0,99}', patternHint: 'Custom-…' },
      { name: 'azure_tenant_id', label: 'Directory (tenant) ID', required: true },
      { name: 'client_id', label: 'Application (client) ID', required: true },
      { name: 'client_secret', label: 'Client secret', required: true, secret: true },
      { name: 'cloud', label: 'Cloud', kind: 'select', options: ['public', 'us_government', 'china'] },
      url('authority_url', 'Authority URL', { hint: 'Optional, default https://login.microsoftonline.com' }),
    ],
    setup: (
      <ol>
        <li>Create a data collection endpoint and rule (Logs Ingestion API) with a Custom- stream.</li>
        <li>Register an app in Entra ID, create a client secret, and grant it Monitoring Metrics Publisher on the rule.</li>
      </ol>
    ),
  },
  {
    type: 'Datadog',
    label: 'Datadog',
    plan: 'enterprise',
    docs: 'https://docs.datadoghq.com/api/latest/logs/',
    fields: [
      { name: 'api_key', label: 'API key', required: true, secret: true, pattern: '[0-9a-fA-F]{32}', patternHint: '32 hexadecimal characters' },
      {
        name: 'site',
        label: 'Site',
        kind: 'select',
        options: ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ap2.datadoghq.com', 'uk1.datadoghq.com', 'ddog-gov.com', 'us2.ddog-gov.com'],
      },
      apiUrl,
      { name: 'service', label: 'Service' },
      { name: 'source', label: 'Source' },
    ],
    setup: (
      <ol>
        <li>In Datadog open Organization Settings → API Keys → New Key.</li>
        <li>Copy the key and pick your site.</li>
      </ol>
    ),
  },
];

export const kindOf = (type: string): Kind | undefined => KINDS.find((k) => k.type === type);
