import { defineGroup } from '../define.js';

export const agentConnectivityEvents = defineGroup({ source: 'vaultpam', group: 'Agent / Connectivity', category: 'org', push: false }, {
  AGENT_PAIRING_INITIATED: {
    action: 'Agent Pairing Initiated',
    title: 'Agent pairing initiated',
    severity: 'low',
    description: 'A connector or proxy agent started pairing with the control plane.',
  },
  AGENT_PAIRING_COMPLETED: {
    action: 'Agent Pairing Completed',
    title: 'Agent pairing completed',
    severity: 'low',
    description: 'An agent finished pairing and is trusted by the control plane.',
  },
  AGENT_PAIRING_FAILED: {
    action: 'Agent Pairing Failed',
    title: 'Agent pairing failed',
    severity: 'medium',
    // A failed pairing may be an unknown machine trying to join the tenant.
    push: true,
    description: 'An agent failed to pair with the control plane.',
  },
  AGENT_HEARTBEAT_RECEIVED: {
    action: 'Agent Heartbeat Received',
    title: 'Agent heartbeat received',
    severity: 'low',
    description: 'An agent reported that it is alive.',
  },
  AGENT_CONNECTIVITY_CHECK: {
    action: 'Agent Connectivity Check',
    title: 'Agent connectivity check',
    severity: 'low',
    description: 'An agent checked that it can reach its targets and the control plane.',
  },
  CONNECTOR_REGISTRATION: {
    action: 'Connector Registration',
    title: 'Connector registered',
    severity: 'medium',
    description: 'A new connector was registered for the tenant.',
  },
  CONNECTOR_UPGRADE: {
    action: 'Connector Upgrade',
    title: 'Connector upgraded',
    severity: 'low',
    description: 'A connector was upgraded to a new version.',
  },
  CONNECTOR_DECOMMISSIONED: {
    action: 'Connector Decommissioned',
    title: 'Connector decommissioned',
    severity: 'medium',
    description: 'A connector was retired and its trust removed.',
  },
});
