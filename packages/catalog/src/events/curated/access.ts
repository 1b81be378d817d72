import { defineGroup } from '../define.js';

const jitEvents = defineGroup({ source: 'vaultterm', group: 'Access / JIT & break-glass', category: 'access', push: true }, {
  JIT_REQUESTED: {
    title: 'Just-in-time access requested',
    severity: 'low',
    description: 'A user or agent requested time-bound access to a privileged resource.',
  },
  JIT_APPROVED: {
    title: 'Just-in-time access approved',
    severity: 'medium',
    description: 'An approver granted a just-in-time access request.',
  },
  JIT_DENIED: {
    title: 'Just-in-time access denied',
    severity: 'medium',
    description: 'An approver or policy denied a just-in-time access request.',
  },
  JIT_EXTENDED: {
    title: 'Just-in-time access extended',
    severity: 'medium',
    description: 'The expiry of an active just-in-time grant was pushed back.',
  },
  JIT_EXPIRED: {
    title: 'Just-in-time access expired',
    severity: 'low',
    description: 'A just-in-time grant reached its end and access was removed.',
  },
  JIT_REVOKED: {
    title: 'Just-in-time access revoked',
    severity: 'medium',
    description: 'An administrator revoked an active just-in-time grant before it expired.',
  },
  BREAK_GLASS_ACCESSED: {
    title: 'Break-glass access used',
    severity: 'critical',
    description: 'An emergency break-glass credential was opened, bypassing normal approval.',
  },
});

const sshEvents = defineGroup({ source: 'vaultterm', group: 'Access / SSH', category: 'access', push: true }, {
  SSH_CA_ROTATED: {
    title: 'SSH certificate authority rotated',
    severity: 'high',
    description: 'The SSH certificate authority key was rotated, so hosts must trust the new CA.',
  },
  SSH_HOST_KEY_MISMATCH: {
    title: 'SSH host key mismatch',
    severity: 'high',
    description: 'A target host presented a key that differs from the pinned one, a possible man-in-the-middle.',
  },
  SSH_COMMAND_BLOCKED: {
    title: 'SSH command blocked',
    severity: 'high',
    description: 'A command in a privileged SSH session was blocked by the command policy.',
  },
  SSH_SESSION_RECORDING_FAILED: {
    title: 'SSH session recording failed',
    severity: 'high',
    description: 'A privileged SSH session ran, at least in part, without a recording.',
  },
  SSH_SESSION_TERMINATED_BY_ADMIN: {
    title: 'SSH session terminated by an administrator',
    severity: 'medium',
    description: 'An administrator forcibly ended a live privileged SSH session.',
  },
});

export const accessEvents = { ...jitEvents, ...sshEvents };
