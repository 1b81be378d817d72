export type Plan = 'free' | 'team' | 'enterprise';
export const PLAN_RANK: Record<Plan, number> = { free: 0, team: 1, enterprise: 2 };

/** Who is calling: established by the auth middleware, read by every handler. */
export interface Principal {
  tenantId: string;
  scopes: readonly string[];
  plan: Plan;
  /** The API token's id, or undefined for a user JWT. */
  tokenId?: string;
  subject?: string;
}

/** The acting token (a service account, in VaultPAM's actor types) or JWT user, as records name actors. */
export function actorOf(principal: Principal): { id: string | null; type: 'ServiceAccount' | 'User'; name: null } {
  return principal.tokenId !== undefined ? { id: principal.tokenId, type: 'ServiceAccount', name: null } : { id: principal.subject ?? null, type: 'User', name: null };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      principal?: Principal;
    }
  }
}
