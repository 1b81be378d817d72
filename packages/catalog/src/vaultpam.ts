import type { Severity } from './types.js';

/** Who acted, as VaultPAM's public catalog names it (seed: VaultPAM audit event catalog). */
export const ACTOR_TYPES = [
  { value: 'User', description: 'End-user acting on their own behalf.' },
  { value: 'TenantAdmin', description: 'Org-level administrator.' },
  { value: 'System', description: 'Automated system action with no direct user trigger.' },
  { value: 'ServiceAccount', description: 'API token or machine account.' },
  { value: 'PlatformAdmin', description: 'Cross-org platform operator.' },
  { value: 'OrgAdmin', description: 'Organization-scoped admin role.' },
  { value: 'Connector', description: 'Connector agent acting autonomously.' },
] as const;
export type ActorType = (typeof ACTOR_TYPES)[number]['value'];

/** What was acted on, as VaultPAM names it. `API Token` really contains a space. */
export const TARGET_TYPES = [
  { value: 'Account', description: 'Privileged account or credential object.' },
  { value: 'Connection', description: 'Connection definition.' },
  { value: 'Session', description: 'Active or completed session.' },
  { value: 'Agent', description: 'Connector or proxy agent.' },
  { value: 'Policy', description: 'Access or session policy.' },
  { value: 'Secret', description: 'Secret or credential payload.' },
  { value: 'Tenant', description: 'Tenant/org entity.' },
  { value: 'API Token', description: 'API token object.' },
  { value: 'Invitation', description: 'Invitation record.' },
  { value: 'AuditLog', description: 'Audit log query or export.' },
  { value: 'GovernanceAction', description: 'Governance approval request.' },
  { value: 'Safe', description: 'Safe container.' },
] as const;
export type TargetType = (typeof TARGET_TYPES)[number]['value'];

/** VaultPAM's five levels and the severity each maps to, so its producers can send their own. */
export const VAULTPAM_SEVERITY_LEVELS = [
  { value: 'DEBUG', meaning: 'Low-level diagnostic; not forwarded to SIEM by default.', severity: 'low' },
  { value: 'INFO', meaning: 'Normal operation record.', severity: 'low' },
  { value: 'WARN', meaning: 'Recoverable condition that may need attention.', severity: 'medium' },
  { value: 'ERROR', meaning: 'Operation failed; may require investigation.', severity: 'high' },
  { value: 'CRITICAL', meaning: 'Security-significant failure; always forwarded to SIEM.', severity: 'critical' },
] as const satisfies readonly { value: string; meaning: string; severity: Severity }[];
export type VaultpamSeverityLevel = (typeof VAULTPAM_SEVERITY_LEVELS)[number]['value'];
