import { z } from 'zod';
import { SCOPES } from '../auth/tokens.js';

/** Scopes to grant: each a known scope; a repeated one counts once. */
export const tokenScopes = z
  .array(z.enum(SCOPES))
  .min(1)
  .max(SCOPES.length * 2)
  .transform((list) => SCOPES.filter((s) => list.includes(s)));

/** The body of POST /v1/tokens. */
export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  scopes: tokenScopes,
});
export type CreateTokenBody = z.infer<typeof createTokenBody>;

/** GET /v1/tokens takes no query parameters. */
export const listTokensQuery = z.strictObject({});

export const tokenIdParam = z.strictObject({ id: z.uuid() });

/** An API token as listed: never the token or its hash. */
export const apiTokenResponse = z.strictObject({
  id: z.uuid(),
  tenant_id: z.uuid(),
  name: z.string(),
  /** The token's first characters, to tell tokens apart. */
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  created_at: z.iso.datetime(),
  /** To the minute: written at most once a minute per api process. */
  last_used_at: z.iso.datetime().nullable(),
});

/** The answer to POST /v1/tokens: the only time the token is shown. */
export const createdApiTokenResponse = apiTokenResponse.extend({ token: z.string().regex(/^tct_/) });

/** Response envelopes, for the OpenAPI document. */
export const apiTokenEnvelope = z.strictObject({ api_token: createdApiTokenResponse });
export const apiTokenList = z.strictObject({ api_tokens: z.array(apiTokenResponse) });
export const apiTokenRevoked = z.strictObject({ id: z.uuid(), tenant_id: z.uuid() });
