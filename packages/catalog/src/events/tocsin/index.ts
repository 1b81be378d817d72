import { defineGroup } from '../define.js';

/**
 * Tocsin's own audit events: every change to a tenant's delivery configuration, written into
 * that tenant's stream with the acting token or user as actor. They are typed and pushable like
 * any other event, so a security team sees who changed where its alerts go.
 */
export const tocsinEvents = defineGroup(
  { source: 'tocsin', group: 'Tocsin configuration', category: 'org', push: true },
  {
    EVENT_SINK_CREATED: {
      title: 'Event sink created',
      severity: 'low',
      description: 'An integration that receives this tenant’s events was added.',
    },
    EVENT_SINK_UPDATED: {
      title: 'Event sink updated',
      severity: 'low',
      description: 'An integration’s destination, events, threshold or settings were changed.',
    },
    EVENT_SINK_DELETED: {
      title: 'Event sink deleted',
      // Removing an integration stops alerts: someone should see it.
      severity: 'medium',
      description: 'An integration was deleted; its events stop flowing and its history is kept.',
    },
    EVENT_SINK_ENABLED: {
      title: 'Event sink enabled',
      severity: 'low',
      description: 'A disabled integration was turned on again.',
    },
    EVENT_SINK_DISABLED: {
      title: 'Event sink disabled',
      severity: 'medium',
      description: 'An integration was turned off, by an admin or by a plan change; its events stop flowing.',
    },
    EVENT_SINK_TESTED: {
      title: 'Event sink tested',
      severity: 'low',
      description: 'A test event was sent to an integration.',
    },
    DELIVERY_RETRIED: {
      title: 'Delivery retried',
      severity: 'low',
      description: 'A failed delivery was sent again on an admin’s request.',
    },
    DELIVERIES_RECOVERED: {
      title: 'Deliveries recovered',
      severity: 'low',
      description: 'Every failed delivery of an integration since a given time was sent again.',
    },
    TOCSIN_API_TOKEN_CREATED: {
      title: 'Tocsin API token created',
      // A new credential with access to this tenant.
      severity: 'medium',
      description: 'A Tocsin API token was issued for this tenant (not one of the producing service’s own tokens).',
    },
    TOCSIN_API_TOKEN_REVOKED: {
      title: 'Tocsin API token revoked',
      severity: 'low',
      description: 'A Tocsin API token of this tenant was revoked.',
    },
  },
);
