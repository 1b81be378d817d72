import { defineGroup } from '../define.js';

export const adminPlatformAuditEvents = defineGroup(
  { source: 'vaultpam', group: 'Admin / Platform / Audit', category: 'org', push: false },
  {
    AUDIT_LOG_VIEWED: {
      action: 'Audit Log Viewed',
      title: 'Audit log viewed',
      severity: 'low',
      description: 'A user queried the audit log.',
    },
    AUDIT_LOG_EXPORT_REQUESTED: {
      action: 'Audit Log Export Requested',
      title: 'Audit log export requested',
      severity: 'low',
      description: 'A user asked for an export of the audit log.',
    },
    AUDIT_LOG_EXPORT_COMPLETED: {
      action: 'Audit Log Export Completed',
      title: 'Audit log export completed',
      severity: 'medium',
      description: 'An audit log export finished and is ready to download.',
    },
    RETENTION_POLICY_CHANGED: {
      action: 'Retention Policy Changed',
      title: 'Retention policy changed',
      severity: 'medium',
      // Shortening retention can erase evidence, so an owner should see it.
      push: true,
      description: 'How long audit records and recordings are kept was changed.',
    },
    TENANT_SETTINGS_UPDATED: {
      action: 'Tenant Settings Updated',
      title: 'Tenant settings updated',
      severity: 'low',
      description: "The tenant's settings were changed.",
    },
    API_TOKEN_CREATED: {
      action: 'API Token Created',
      title: 'API token created',
      severity: 'medium',
      description: 'An API token was created.',
    },
    API_TOKEN_REVOKED: {
      action: 'API Token Revoked',
      title: 'API token revoked',
      severity: 'low',
      description: 'An API token was revoked.',
    },
    SECURITY_INCIDENT_FLAGGED: {
      action: 'Security Incident Flagged',
      title: 'Security incident flagged',
      severity: 'critical',
      push: true,
      description: 'A user or detection flagged activity as a security incident.',
    },
    SYSTEM_ERROR_LOGGED: {
      action: 'System Error Logged',
      title: 'System error logged',
      severity: 'medium',
      description: 'The platform recorded an internal error.',
    },
  },
);
