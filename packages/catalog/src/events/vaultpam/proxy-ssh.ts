import { defineGroup } from '../define.js';

// Emitted by the SSH proxy and re-exported by the control plane; descriptions are VaultPAM's own.
export const proxySshEvents = defineGroup({ source: 'vaultpam', group: 'Proxy-Shared SSH', category: 'access', push: false }, {
  PROXY_SSH_SESSION_OPENED: {
    action: 'proxy.ssh.session.opened',
    title: 'SSH session opened',
    severity: 'low',
    description: 'SSH session successfully opened — post-grant verify, upstream connect, channel ready.',
  },
  PROXY_SSH_SESSION_CLOSED: {
    action: 'proxy.ssh.session.closed',
    title: 'SSH session closed',
    severity: 'low',
    description: 'SSH session closed — channel close, upstream EOF, or client disconnect.',
  },
  PROXY_SSH_AUTH_REJECTED: {
    action: 'proxy.ssh.auth.rejected',
    title: 'SSH authentication rejected',
    severity: 'high',
    push: true,
    description:
      'SSH authentication rejected at the proxy — invalid grant, expired grant, replay, or unauthorized key.',
  },
  PROXY_SSH_RECORDING_WRITTEN: {
    action: 'proxy.ssh.recording.written',
    title: 'SSH recording written',
    severity: 'low',
    description: 'SSH recording artifact finalized and persisted to the recordings store.',
  },
});
