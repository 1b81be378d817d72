import { defineGroup } from '../define.js';

export const accountsSecretsCredentialsEvents = defineGroup(
  { source: 'vaultpam', group: 'Accounts / Secrets / Credentials', category: 'secret', push: false },
  {
    PRIVILEGED_ACCOUNT_CREATED: {
      action: 'Privileged Account Created',
      title: 'Privileged account created',
      severity: 'medium',
      description: 'A privileged account was added to a safe.',
    },
    PRIVILEGED_ACCOUNT_UPDATED: {
      action: 'Privileged Account Updated',
      title: 'Privileged account updated',
      severity: 'low',
      description: "A privileged account's properties were changed.",
    },
    PRIVILEGED_ACCOUNT_DISABLED: {
      action: 'Privileged Account Disabled',
      title: 'Privileged account disabled',
      severity: 'medium',
      description: 'A privileged account was disabled.',
    },
    CREDENTIAL_CHECKOUT_STARTED: {
      action: 'Credential Check-out Started',
      title: 'Credential check-out started',
      severity: 'low',
      description: 'A user started checking out a credential for exclusive use.',
    },
    CREDENTIAL_CHECKOUT_COMPLETED: {
      action: 'Credential Check-out Completed',
      title: 'Credential check-out completed',
      severity: 'low',
      description: 'A credential was checked out to a user.',
    },
    CREDENTIAL_CHECKIN_COMPLETED: {
      action: 'Credential Check-in Completed',
      title: 'Credential check-in completed',
      severity: 'low',
      description: 'A checked-out credential was returned.',
    },
    CREDENTIAL_ROTATION_STARTED: {
      action: 'Credential Rotation Started',
      title: 'Credential rotation started',
      severity: 'low',
      description: 'Rotation of a credential began.',
    },
    CREDENTIAL_ROTATION_COMPLETED: {
      action: 'Credential Rotation Completed',
      title: 'Credential rotation completed',
      severity: 'low',
      description: 'A credential was rotated and the new value stored.',
    },
    CREDENTIAL_ROTATION_FAILED: {
      action: 'Credential Rotation Failed',
      title: 'Credential rotation failed',
      severity: 'high',
      push: true,
      description: 'Rotation of a credential failed, so the old value is still live.',
    },
    SECRET_ACCESSED: {
      action: 'Secret Accessed (Metadata-only)',
      title: 'Secret accessed (metadata only)',
      severity: 'low',
      description: 'A secret was accessed; the record carries metadata only, never the value.',
    },
  },
);
