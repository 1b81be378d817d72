import { accountsSecretsCredentialsEvents } from './accounts-secrets-credentials.js';
import { adminPlatformAuditEvents } from './admin-platform-audit.js';
import { agentConnectivityEvents } from './agent-connectivity.js';
import { connectionsSessionsEvents } from './connections-sessions.js';
import { crossOrgGovernanceEvents } from './cross-org-governance.js';
import { groupsSafeAccessEvents } from './groups-safe-access.js';
import { identityAccessSharingEvents } from './identity-access-sharing.js';
import { invitationLifecycleEvents } from './invitation-lifecycle.js';
import { orgGovernanceEvents } from './org-governance.js';
import { phoneSmsVerificationEvents } from './phone-sms-verification.js';
import { platformUsersEvents } from './platform-users.js';
import { proxySshEvents } from './proxy-ssh.js';

/** The VaultPAM public audit catalog: every control-plane group and the proxy SSH events, in its order. */
export const vaultpamEvents = {
  ...agentConnectivityEvents,
  ...identityAccessSharingEvents,
  ...accountsSecretsCredentialsEvents,
  ...connectionsSessionsEvents,
  ...adminPlatformAuditEvents,
  ...invitationLifecycleEvents,
  ...platformUsersEvents,
  ...groupsSafeAccessEvents,
  ...orgGovernanceEvents,
  ...crossOrgGovernanceEvents,
  ...phoneSmsVerificationEvents,
  ...proxySshEvents,
};
