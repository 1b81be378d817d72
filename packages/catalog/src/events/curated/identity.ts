import { defineGroup } from '../define.js';

const signInEvents = defineGroup({ source: 'vaultterm', group: 'Identity / SSO & MFA', category: 'identity', push: true }, {
  SSO_LOGIN_FAILED: {
    title: 'SSO login failed',
    severity: 'medium',
    description: 'A sign-in through the identity provider failed, e.g. an invalid assertion or a user not assigned.',
  },
  SSO_CONFIGURATION_CHANGED: {
    title: 'SSO configuration changed',
    severity: 'high',
    description: "The organization's identity provider settings (metadata, certificate or endpoints) were changed.",
  },
  SSO_ENFORCEMENT_DISABLED: {
    title: 'SSO enforcement disabled',
    severity: 'high',
    description: 'Members may again sign in with a password instead of the identity provider.',
  },
  MFA_DISABLED: {
    title: 'MFA disabled',
    severity: 'high',
    description: 'Multi-factor authentication was turned off for a user or for the whole organization.',
  },
  MFA_FACTOR_REMOVED: {
    title: 'MFA factor removed',
    severity: 'medium',
    description: 'A user removed or replaced an enrolled second factor.',
  },
  USER_LOCKED_OUT: {
    title: 'User locked out',
    severity: 'medium',
    description: 'A user was locked out after too many failed sign-in attempts.',
  },
});

const provisioningEvents = defineGroup({ source: 'vaultterm', group: 'Identity / Provisioning', category: 'identity', push: true }, {
  SCIM_USER_DEPROVISIONED: {
    title: 'User deprovisioned by SCIM',
    severity: 'medium',
    description: 'The identity provider deprovisioned a user, removing their access.',
  },
  SCIM_SYNC_FAILED: {
    title: 'SCIM sync failed',
    severity: 'high',
    description: 'A SCIM sync from the identity provider failed, so departed users may keep access.',
  },
  SCIM_TOKEN_ROTATED: {
    title: 'SCIM token rotated',
    severity: 'medium',
    description: 'The bearer token the identity provider uses for SCIM was regenerated.',
  },
  USER_SUSPENDED: {
    title: 'User suspended',
    severity: 'medium',
    description: 'An administrator suspended a user, ending their sessions and access.',
  },
});

export const identityEvents = { ...signInEvents, ...provisioningEvents };
