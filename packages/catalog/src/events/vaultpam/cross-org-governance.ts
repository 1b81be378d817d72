import { defineGroup } from '../define.js';

export const crossOrgGovernanceEvents = defineGroup(
  { source: 'vaultpam', group: 'Cross-Org Governance', category: 'org', push: false },
  {
    PLATFORM_CROSS_ORG_GOVERNANCE_VIEWED: {
      action: 'platform.cross_org_governance_viewed',
      title: 'Cross-org governance queue viewed',
      severity: 'low',
      description: 'A platform operator viewed the governance queue across organizations.',
    },
    ORG_GOVERNANCE_QUEUE_EXPORTED: {
      action: 'org_governance.queue_exported',
      title: 'Governance queue exported',
      severity: 'medium',
      description: 'A platform operator exported the governance queue.',
    },
    ORG_GOVERNANCE_SELF_APPROVAL_BLOCKED: {
      action: 'org_governance.self_approval_blocked',
      title: 'Governance self-approval blocked',
      severity: 'high',
      // An attempt to defeat separation of duties.
      push: true,
      description: 'A requester tried to approve their own governance action and was blocked.',
    },
  },
);
