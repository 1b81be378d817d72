import { defineGroup } from '../define.js';

export const invitationLifecycleEvents = defineGroup(
  { source: 'vaultpam', group: 'Invitation Lifecycle', category: 'org', push: false },
  {
    INVITATION_SENT: {
      action: 'Invitation Sent',
      title: 'Invitation sent',
      severity: 'low',
      description: 'An invitation to join the tenant was sent.',
    },
    INVITATION_ACCEPTED: {
      action: 'Invitation Accepted',
      title: 'Invitation accepted',
      severity: 'low',
      description: 'An invitee accepted their invitation and joined the tenant.',
    },
    INVITATION_REVOKED: {
      action: 'Invitation Revoked',
      title: 'Invitation revoked',
      severity: 'low',
      description: 'A pending invitation was revoked.',
    },
    INVITATION_RESENT: {
      action: 'Invitation Resent',
      title: 'Invitation resent',
      severity: 'low',
      description: 'A pending invitation was sent again.',
    },
    INVITATION_EXPIRED: {
      action: 'Invitation Expired',
      title: 'Invitation expired',
      severity: 'low',
      description: 'An invitation expired before it was accepted.',
    },
    INVITATION_ACCEPT_BLOCKED: {
      action: 'Invitation Accept Blocked',
      title: 'Invitation acceptance blocked',
      severity: 'medium',
      push: true,
      description: 'An attempt to accept an invitation was blocked by policy.',
    },
    INVITE_ACCEPT_STARTED: {
      action: 'invite_accept_started',
      title: 'Invitation acceptance started',
      severity: 'low',
      description: 'An invitee opened their invitation link and started accepting it.',
    },
    INVITE_TOKEN_INVALID_OR_EXPIRED: {
      action: 'invite_token_invalid_or_expired',
      title: 'Invitation token invalid or expired',
      severity: 'low',
      description: 'An invitation link was used with a token that is invalid or expired.',
    },
    INVITE_EMAIL_MISMATCH_BLOCKED: {
      action: 'invite_email_mismatch_blocked',
      title: 'Invitation email mismatch blocked',
      severity: 'medium',
      // Someone other than the invitee holds the link: forwarded or intercepted.
      push: true,
      description: 'An invitation was accepted by an account whose email differs from the invitee, and was blocked.',
    },
    INVITE_ACCEPTED: {
      action: 'invite_accepted',
      title: 'Invite accepted',
      severity: 'low',
      description: 'The invitee finished the invite acceptance flow and joined.',
    },
    ORG_SUBMISSION_STARTED: {
      action: 'org_submission_started',
      title: 'Organization submission started',
      severity: 'low',
      description: 'A new organization started its registration.',
    },
    ORG_SUBMISSION_SUBMITTED: {
      action: 'org_submission_submitted',
      title: 'Organization submission submitted',
      severity: 'low',
      description: 'A new organization submitted its registration for review.',
    },
    ORG_SUBMISSION_APPROVED: {
      action: 'org_submission_approved',
      title: 'Organization submission approved',
      severity: 'low',
      description: 'A platform operator approved an organization registration.',
    },
    ORG_SUBMISSION_REJECTED: {
      action: 'org_submission_rejected',
      title: 'Organization submission rejected',
      severity: 'low',
      description: 'A platform operator rejected an organization registration.',
    },
    PROVIDER_FLOW_FAILED: {
      action: 'provider_flow_failed',
      title: 'Identity provider flow failed',
      severity: 'medium',
      description: 'Sign-up or acceptance through an external identity provider failed.',
    },
    PENDING_STATE_VIEWED: {
      action: 'pending_state_viewed',
      title: 'Pending state viewed',
      severity: 'low',
      description: 'A user viewed the status of their pending registration or invitation.',
    },
  },
);
