import { defineGroup } from '../define.js';

const adminEvents = defineGroup({ source: 'vaultterm', group: 'Org / Administration', category: 'org', push: true }, {
  ADMIN_ROLE_GRANTED: {
    title: 'Admin role granted',
    severity: 'high',
    description: 'A user or service account was given an administrator role.',
  },
  ADMIN_ROLE_REVOKED: {
    title: 'Admin role revoked',
    severity: 'medium',
    description: 'An administrator role was removed from a user or service account.',
  },
  ORG_OWNERSHIP_TRANSFERRED: {
    title: 'Organization ownership transferred',
    severity: 'high',
    description: 'Ownership of the organization moved to another user.',
  },
  ORG_DELETION_SCHEDULED: {
    title: 'Organization deletion scheduled',
    severity: 'critical',
    description: 'The organization and all its vaults were scheduled for deletion.',
  },
  IP_ALLOWLIST_CHANGED: {
    title: 'IP allowlist changed',
    severity: 'medium',
    description: 'The network ranges allowed to reach the organization were changed.',
  },
  SECURITY_POLICY_RELAXED: {
    title: 'Security policy relaxed',
    severity: 'medium',
    description: 'An organization security policy such as session length or password rules was loosened.',
  },
  SERVICE_ACCOUNT_KEY_CREATED: {
    title: 'Service account key created',
    severity: 'medium',
    description: 'A new long-lived key was issued for a service account.',
  },
});

const auditEvents = defineGroup({ source: 'vaultterm', group: 'Org / Audit & integrations', category: 'org', push: true }, {
  AUDIT_LOG_EXPORTED: {
    title: 'Audit log exported',
    severity: 'medium',
    description: 'A user exported a range of the audit log.',
  },
  AUDIT_LOG_STREAMING_DISABLED: {
    title: 'Audit log streaming disabled',
    severity: 'high',
    description: 'Streaming of audit events to an external SIEM was turned off.',
  },
  INTEGRATION_DISABLED: {
    title: 'Integration disabled',
    severity: 'medium',
    description: 'An outbound alerting integration was disabled or deleted, so its events stop flowing.',
  },
});

export const orgEvents = { ...adminEvents, ...auditEvents };
