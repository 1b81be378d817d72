import { defineGroup } from '../define.js';

export const anomalyEvents = defineGroup({ source: 'vaultterm', group: 'Anomalies', category: 'anomaly', push: true }, {
  HONEYTOKEN_TRIPPED: {
    title: 'Honeytoken tripped',
    severity: 'critical',
    description: 'A decoy credential that no legitimate process uses was read or used.',
  },
  IMPOSSIBLE_TRAVEL_DETECTED: {
    title: 'Impossible travel detected',
    severity: 'high',
    description: 'One user signed in from two places too far apart for the time between the sign-ins.',
  },
  ANOMALOUS_SECRET_ACCESS_VOLUME: {
    title: 'Anomalous secret access volume',
    severity: 'high',
    description: 'A user or agent read far more secrets than its usual baseline.',
  },
  MASS_DELETION_DETECTED: {
    title: 'Mass deletion detected',
    severity: 'high',
    description: 'Many secrets or accounts were deleted in a short time by one actor.',
  },
  BRUTE_FORCE_DETECTED: {
    title: 'Brute force detected',
    severity: 'high',
    description: 'Repeated failed sign-ins or unlock attempts against one account or from one source were detected.',
  },
  UNUSUAL_LOGIN_LOCATION: {
    title: 'Sign-in from an unusual location',
    severity: 'medium',
    description: 'A user signed in from a country or network never seen for them before.',
  },
  ANONYMIZING_NETWORK_ACCESS: {
    title: 'Access from an anonymizing network',
    severity: 'medium',
    description: 'The vault was accessed through Tor, a public proxy or a known anonymizing VPN.',
  },
  OFF_HOURS_PRIVILEGED_ACCESS: {
    title: 'Off-hours privileged access',
    severity: 'medium',
    description: "A privileged credential was used outside the user's normal working hours.",
  },
  DORMANT_ACCOUNT_REACTIVATED: {
    title: 'Dormant account reactivated',
    severity: 'medium',
    description: 'An account unused for a long period signed in or used a credential again.',
  },
});
