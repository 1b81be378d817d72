import { defineGroup } from '../define.js';

export const connectionsSessionsEvents = defineGroup(
  { source: 'vaultpam', group: 'Connections / Sessions', category: 'access', push: false },
  {
    CONNECTION_DEFINITION_CREATED: {
      action: 'Connection Definition Created',
      title: 'Connection definition created',
      severity: 'low',
      description: 'A connection to a target system was defined.',
    },
    CONNECTION_DEFINITION_UPDATED: {
      action: 'Connection Definition Updated',
      title: 'Connection definition updated',
      severity: 'low',
      description: 'A connection definition was changed.',
    },
    CONNECTION_DEFINITION_DELETED: {
      action: 'Connection Definition Deleted',
      title: 'Connection definition deleted',
      severity: 'low',
      description: 'A connection definition was deleted.',
    },
    SESSION_START_REQUESTED: {
      action: 'Session Start Requested',
      title: 'Session start requested',
      severity: 'low',
      description: 'A user asked to open a session through a connection.',
    },
    SESSION_ESTABLISHED: {
      action: 'Session Established',
      title: 'Session established',
      severity: 'low',
      description: 'A session to a target system was opened.',
    },
    SESSION_RECORDING_STARTED: {
      action: 'Session Recording Started',
      title: 'Session recording started',
      severity: 'low',
      description: 'Recording of a session began.',
    },
    SESSION_POLICY_ENFORCED: {
      action: 'Session Policy Enforced',
      title: 'Session policy enforced',
      severity: 'low',
      description: 'The session policies that apply were put in force on a session, e.g. recording or time limits.',
    },
    SESSION_SUSPENDED: {
      action: 'Session Suspended',
      title: 'Session suspended',
      severity: 'medium',
      push: true,
      description: 'A live session was suspended by policy or by an administrator.',
    },
    SESSION_TERMINATED_BY_USER: {
      action: 'Session Terminated by User',
      title: 'Session ended by the user',
      severity: 'low',
      description: 'The user closed their session.',
    },
    SESSION_TERMINATED_BY_ADMIN: {
      action: 'Session Terminated by Admin',
      title: 'Session terminated by an administrator',
      severity: 'medium',
      push: true,
      description: 'An administrator forcibly ended a live session.',
    },
    SESSION_TERMINATED_BY_SYSTEM: {
      action: 'Session Terminated by System',
      title: 'Session terminated by the system',
      severity: 'low',
      description: 'The system ended a session, e.g. on timeout or when its grant expired.',
    },
    SESSION_RECORDING_FINALIZED: {
      action: 'Session Recording Finalized',
      title: 'Session recording finalized',
      severity: 'low',
      description: 'The recording of a session was closed and stored.',
    },
    SESSION_PLAYBACK_ACCESSED: {
      action: 'Session Playback Accessed',
      title: 'Session playback accessed',
      severity: 'low',
      description: 'A user watched the recording of a session.',
    },
    HTTP_SESSION_STARTED: {
      action: 'HTTP_SESSION_STARTED',
      title: 'HTTP session started',
      severity: 'low',
      description: 'A proxied web session to a target application began.',
    },
    HTTP_SESSION_ENDED: {
      action: 'HTTP_SESSION_ENDED',
      title: 'HTTP session ended',
      severity: 'low',
      description: 'A proxied web session ended.',
    },
    HTTP_URL_DENIED: {
      action: 'HTTP_URL_DENIED',
      title: 'HTTP URL denied',
      severity: 'medium',
      push: true,
      description: 'A proxied web session tried to open a URL its policy does not allow.',
    },
    HTTP_CREDENTIAL_INJECTED: {
      action: 'HTTP_CREDENTIAL_INJECTED',
      title: 'HTTP credential injected',
      severity: 'low',
      description: 'The proxy filled a credential into a web session without showing it to the user.',
    },
  },
);
