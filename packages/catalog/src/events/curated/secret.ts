import { defineGroup } from '../define.js';

export const secretEvents = defineGroup({ source: 'vaultterm', group: 'Secrets', category: 'secret', push: true }, {
  CREDENTIAL_EXPOSURE_DETECTED: {
    title: 'Credential exposure detected',
    severity: 'critical',
    // The detector knows what leaked and where, so its severity wins over this default.
    ownSeverity: true,
    description: 'A vault-managed credential was found outside the vault, e.g. in a repository, paste site or log.',
  },
  CREDENTIAL_BREACH_DETECTED: {
    title: 'Credential found in a breach',
    severity: 'high',
    // Same reason: a breach match is a leak detection whose impact the detector rates.
    ownSeverity: true,
    description: 'A credential stored in the vault matched an entry of a known breach corpus.',
  },
  SECRET_ROTATION_FAILED: {
    title: 'Secret rotation failed',
    severity: 'high',
    description: 'Scheduled or manual rotation of a secret failed, so the old value is still live.',
  },
  SECRET_EXPIRED: {
    title: 'Secret expired',
    severity: 'medium',
    description: 'A secret passed its expiry date without being rotated.',
  },
  SECRET_PURGED: {
    title: 'Secret purged',
    severity: 'medium',
    description: 'A secret and all its versions were permanently deleted, bypassing the recovery window.',
  },
  SECRET_SHARED_EXTERNALLY: {
    title: 'Secret shared externally',
    severity: 'medium',
    description: 'A secret was shared with a recipient outside the organization through a one-time link.',
  },
  SECRET_POLICY_VIOLATION: {
    title: 'Secret policy violation',
    severity: 'medium',
    description: 'A secret was saved that breaks the strength, reuse or expiry policy of its vault.',
  },
  VAULT_EXPORTED: {
    title: 'Vault exported',
    severity: 'high',
    description: 'The full contents of a vault were exported in plaintext or to an external key.',
  },
  ENCRYPTION_KEY_ROTATED: {
    title: 'Encryption key rotated',
    severity: 'medium',
    description: "The organization's vault encryption key was rotated and secrets were re-encrypted.",
  },
  KMS_KEY_UNAVAILABLE: {
    title: 'Customer-managed key unavailable',
    severity: 'critical',
    description: 'The customer-managed KMS key is disabled or unreachable, so no secret can be decrypted.',
  },
});
