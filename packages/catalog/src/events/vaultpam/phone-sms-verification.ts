import { defineGroup } from '../define.js';

export const phoneSmsVerificationEvents = defineGroup(
  { source: 'vaultpam', group: 'Phone / SMS Verification', category: 'identity', push: false },
  {
    PHONE_VERIFICATION_CODE_SENT: {
      action: 'phone_verification_code_sent',
      title: 'Phone verification code sent',
      severity: 'low',
      description: 'A verification code was sent by SMS.',
    },
    PHONE_VERIFICATION_SUCCEEDED: {
      action: 'phone_verification_succeeded',
      title: 'Phone verification succeeded',
      severity: 'low',
      description: 'A user entered the correct SMS code.',
    },
    PHONE_VERIFICATION_FAILED: {
      action: 'phone_verification_failed',
      title: 'Phone verification failed',
      severity: 'medium',
      description: 'A user entered a wrong SMS code.',
    },
    PHONE_VERIFICATION_EXPIRED: {
      action: 'phone_verification_expired',
      title: 'Phone verification expired',
      severity: 'low',
      description: 'An SMS code expired before it was used.',
    },
    PHONE_CHANGE_REQUESTED: {
      action: 'phone_change_requested',
      title: 'Phone number change requested',
      severity: 'medium',
      description: 'A user started changing their verified phone number.',
    },
    PHONE_CHANGE_COMMITTED: {
      action: 'phone_change_committed',
      title: 'Phone number changed',
      severity: 'medium',
      description: "A user's verified phone number was replaced.",
    },
    PHONE_CHANGE_ABANDONED: {
      action: 'phone_change_abandoned',
      title: 'Phone number change abandoned',
      severity: 'low',
      description: 'A phone number change was left unfinished.',
    },
    AUDIT_PHONE_DIGEST_KEY_ROTATED: {
      action: 'audit_phone_digest_key_rotated',
      title: 'Audit phone digest key rotated',
      severity: 'medium',
      description: 'The key that hashes phone numbers in audit records was rotated.',
    },
    PHONE_VERIFICATION_CODE_SEND_BLOCKED_PROVIDER_UNAVAILABLE: {
      action: 'phone_verification_code_send_blocked_provider_unavailable',
      title: 'SMS code not sent: provider unavailable',
      severity: 'medium',
      description: 'An SMS code could not be sent because the SMS provider is unavailable.',
    },
    PHONE_VERIFICATION_BOOT_PROVIDER_GATE_PASSED: {
      action: 'phone_verification_boot_provider_gate_passed',
      title: 'SMS provider check passed at start',
      severity: 'low',
      description: 'At start-up the service confirmed that an SMS provider is configured.',
    },
    PHONE_VERIFICATION_CODE_SEND_BLOCKED_RATE_LIMIT: {
      action: 'phone_verification_code_send_blocked_rate_limit',
      title: 'SMS code not sent: rate limit',
      severity: 'medium',
      // Bursts of SMS sends are how code brute-forcing and SMS toll fraud show up.
      push: true,
      description: 'An SMS code was not sent because the rate limit for the user or number was reached.',
    },
    PHONE_CHANGE_CONCURRENT_MODIFICATION: {
      action: 'phone_change_concurrent_modification',
      title: 'Concurrent phone number change',
      severity: 'low',
      description: 'A phone number change conflicted with another change made at the same time.',
    },
    PHONE_CHANGE_CANCEL: {
      action: 'phone_change_cancel',
      title: 'Phone number change cancelled',
      severity: 'low',
      description: 'A user cancelled a phone number change.',
    },
    USERS_PHONE_PROPAGATED_FROM_REGISTRATION: {
      action: 'users_phone_propagated_from_registration',
      title: 'Phone number copied from registration',
      severity: 'low',
      description: "The phone number given at registration was copied to the user's profile.",
    },
    USERS_PHONE_PROPAGATION_SKIPPED_CONFLICT: {
      action: 'users_phone_propagation_skipped_conflict',
      title: 'Phone number copy skipped: conflict',
      severity: 'low',
      description: 'The registration phone number was not copied because the profile already has a different one.',
    },
  },
);
