import { defineGroup } from '../define.js';

export const orgGovernanceEvents = defineGroup(
  { source: 'vaultpam', group: 'Org-Scoped Governance Actions', category: 'org', push: false },
  {
    ORG_GOVERNANCE_ACTION_REQUESTED: {
      action: 'org_governance.action_requested',
      title: 'Governance action requested',
      severity: 'medium',
      description: 'An organization admin requested a sensitive action that needs a second approver.',
    },
    ORG_GOVERNANCE_ACTION_APPROVED: {
      action: 'org_governance.action_approved',
      title: 'Governance action approved',
      severity: 'medium',
      description: 'A second approver approved a governance action.',
    },
    ORG_GOVERNANCE_ACTION_REJECTED: {
      action: 'org_governance.action_rejected',
      title: 'Governance action rejected',
      severity: 'medium',
      description: 'A second approver rejected a governance action.',
    },
  },
);
