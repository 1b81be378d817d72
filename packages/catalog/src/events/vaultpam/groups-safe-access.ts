import { defineGroup } from '../define.js';

export const groupsSafeAccessEvents = defineGroup(
  { source: 'vaultpam', group: 'Groups / Safe Access', category: 'access', push: false },
  {
    GROUP_CREATED: {
      action: 'group.created',
      title: 'Group created',
      severity: 'low',
      description: 'A user group was created.',
    },
    GROUP_UPDATED: {
      action: 'group.updated',
      title: 'Group updated',
      severity: 'low',
      description: 'A user group was renamed or its settings changed.',
    },
    GROUP_DELETED: {
      action: 'group.deleted',
      title: 'Group deleted',
      severity: 'low',
      description: 'A user group was deleted.',
    },
    GROUP_MEMBER_ADDED: {
      action: 'group.member.added',
      title: 'Group member added',
      severity: 'low',
      description: 'A user was added to a group.',
    },
    GROUP_MEMBER_REMOVED: {
      action: 'group.member.removed',
      title: 'Group member removed',
      severity: 'low',
      description: 'A user was removed from a group.',
    },
    SAFE_GROUP_ASSIGNMENT_CREATED: {
      action: 'safe.group_assignment.created',
      title: 'Group assigned to safe',
      severity: 'low',
      description: 'A group was given a role on a safe.',
    },
    SAFE_GROUP_ASSIGNMENT_UPDATED: {
      action: 'safe.group_assignment.updated',
      title: 'Safe group assignment updated',
      severity: 'low',
      description: "A group's role on a safe was changed.",
    },
    SAFE_GROUP_ASSIGNMENT_REMOVED: {
      action: 'safe.group_assignment.removed',
      title: 'Group removed from safe',
      severity: 'low',
      description: "A group's role on a safe was removed.",
    },
    SAFE_MEMBER_ADDED: {
      action: 'safe.member.added',
      title: 'Safe member added',
      severity: 'low',
      description: 'A user was given a role on a safe.',
    },
    SAFE_MEMBER_ROLE_UPDATED: {
      action: 'safe.member.role_updated',
      title: 'Safe member role updated',
      severity: 'low',
      description: "A user's role on a safe was changed.",
    },
    SAFE_MEMBER_REMOVED: {
      action: 'safe.member.removed',
      title: 'Safe member removed',
      severity: 'low',
      description: "A user's role on a safe was removed.",
    },
    SAFE_DERIVED_ACCESS_GRANTED: {
      action: 'safe.derived_access.granted',
      title: 'Derived safe access granted',
      severity: 'low',
      description: 'A user gained access to a safe through a group membership.',
    },
    SAFE_DERIVED_ACCESS_REVOKED: {
      action: 'safe.derived_access.revoked',
      title: 'Derived safe access revoked',
      severity: 'low',
      description: 'A user lost access to a safe that came through a group membership.',
    },
    SAFE_DERIVED_ACCESS_ROLE_CHANGED: {
      action: 'safe.derived_access.role_changed',
      title: 'Derived safe access role changed',
      severity: 'low',
      description: 'The role a user holds on a safe through a group changed.',
    },
    GROUP_MUTATION_DENIED: {
      action: 'group.mutation.denied',
      title: 'Group change denied',
      severity: 'medium',
      push: true,
      description: 'A change to a group or its members was denied for lack of permission.',
    },
  },
);
