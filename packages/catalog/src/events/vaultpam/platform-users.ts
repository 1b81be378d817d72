import { defineGroup } from '../define.js';

// Platform users are cross-org operators, so changes to them weigh more than tenant user changes.
export const platformUsersEvents = defineGroup(
  { source: 'vaultpam', group: 'Platform Users Management', category: 'org', push: false },
  {
    PLATFORM_USER_INVITED: {
      action: 'Platform User Invited',
      title: 'Platform user invited',
      severity: 'medium',
      description: 'A new platform operator was invited.',
    },
    PLATFORM_USER_REMOVED: {
      action: 'Platform User Removed',
      title: 'Platform user removed',
      severity: 'medium',
      description: 'A platform operator was removed.',
    },
    PLATFORM_USER_ROLE_CHANGED: {
      action: 'Platform User Role Changed',
      title: 'Platform user role changed',
      severity: 'high',
      push: true,
      description: "A platform operator's role was changed.",
    },
    PLATFORM_USER_MFA_RESET: {
      action: 'Platform User MFA Reset',
      title: 'Platform user MFA reset',
      severity: 'high',
      push: true,
      description: "A platform operator's MFA enrollment was reset.",
    },
    PLATFORM_INVITATION_ACCEPTED: {
      action: 'Platform Invitation Accepted',
      title: 'Platform invitation accepted',
      severity: 'medium',
      description: 'An invitee accepted their invitation and became a platform operator.',
    },
    PLATFORM_USER_INVITE_REJECTED: {
      action: 'Platform User Invite Rejected',
      title: 'Platform user invitation rejected',
      severity: 'low',
      description: 'A platform operator invitation was rejected.',
    },
    PLATFORM_SELF_REMOVAL_BLOCKED: {
      action: 'Platform Self Removal Blocked',
      title: 'Platform self-removal blocked',
      severity: 'low',
      description: 'A platform operator tried to remove themselves and was blocked.',
    },
    PLATFORM_LAST_ADMIN_REMOVAL_BLOCKED: {
      action: 'Platform Last Admin Removal Blocked',
      title: 'Removal of the last platform admin blocked',
      severity: 'medium',
      push: true,
      description: 'An attempt to remove the last platform administrator was blocked.',
    },
    PLATFORM_LAST_ADMIN_MFA_RESET_BLOCKED: {
      action: 'Platform Last Admin MFA Reset Blocked',
      title: 'MFA reset of the last platform admin blocked',
      severity: 'high',
      push: true,
      description: "An attempt to reset the last platform administrator's MFA was blocked.",
    },
    PLATFORM_USERS_LISTED: {
      action: 'Platform Users Listed',
      title: 'Platform users listed',
      severity: 'low',
      description: 'A platform operator listed the platform users.',
    },
    PLATFORM_INVITATIONS_LISTED: {
      action: 'Platform Invitations Listed',
      title: 'Platform invitations listed',
      severity: 'low',
      description: 'A platform operator listed the pending platform invitations.',
    },
  },
);
