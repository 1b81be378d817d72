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

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      principal?: Principal;
    }
  }
}
