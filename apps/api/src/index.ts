export { createApp, type ApiDeps } from './app.js';
export { startApi, type RunningApi } from './server.js';
export { generateToken, hashToken, SCOPES, type Scope } from './auth/tokens.js';
export { INITIAL_TOKEN_NAME, createTenant, createToken, planSchema, scopesSchema, tenantIdSchema } from './admin/tenants.js';
export { listTenants, type TenantListing } from './admin/tenants.js';
export { setTenantPlan, PLAN_DOWNGRADED, type PlanChange } from './admin/plans.js';
export { withOperator, type OperatorDeps } from './admin/operator.js';
export { tokenCreatedChange } from './tokens/service.js';
export { createOperatorToken } from './admin/operators.js';
