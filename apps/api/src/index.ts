export { createApp, type ApiDeps } from './app.js';
export { startApi, type RunningApi } from './server.js';
export { generateToken, hashToken, SCOPES, type Scope } from './auth/tokens.js';
export { createTenant, createToken, planSchema, scopesSchema } from './admin/tenants.js';
