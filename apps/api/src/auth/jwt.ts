import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ConfigError, type Config, type Logger } from '@tocsin/config';
import type { Database } from '@tocsin/db';
import { ApiError } from '../errors.js';
import type { BearerVerifier } from './authenticate.js';
import type { Plan, Principal } from './principal.js';
import { AuthCache } from './auth-cache.js';
import type { AuthChanges } from './auth-changes.js';
import { SCOPES } from './tokens.js';

/** Algorithms accepted per key source; anything else (including `none`) is refused. */
const HMAC_ALGORITHMS = ['HS256'];
const JWKS_ALGORITHMS = ['RS256'];
/** Leeway for clock skew between the issuer and us on exp/nbf/iat. */
const CLOCK_TOLERANCE_S = 5;
/** What a user JWT may do when its claims name no scope: read the Events API. */
const DEFAULT_JWT_SCOPES = ['events:read'] as const;

/** jose errors that say "this token is not acceptable" (401), as opposed to "the key set is unreachable" (503). */
const INVALID_TOKEN = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JWKInvalid.code,
]);

export interface JwtSettings {
  /** HS256 shared secret. */
  secret?: string;
  /** Where the RS256 public keys are published (fetched and cached by jose). */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** The claim that names the tenant (a UUID). */
  tenantClaim: string;
}

/**
 * The JWT settings from the config, or undefined when user JWTs are not configured. `iss` and
 * `aud` are required with either key source: without them a token minted for another service by
 * the same identity provider would be accepted here.
 */
export function jwtSettingsFrom(config: Config): JwtSettings | undefined {
  if (!config.TOCSIN_JWT_SECRET && !config.TOCSIN_JWT_JWKS_URL) return undefined;
  const missing = (['TOCSIN_JWT_ISSUER', 'TOCSIN_JWT_AUDIENCE'] as const).filter((v) => !config[v]);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((variable) => ({ variable, message: 'is required when TOCSIN_JWT_SECRET or TOCSIN_JWT_JWKS_URL is set' })));
  }
  return {
    secret: config.TOCSIN_JWT_SECRET,
    jwksUrl: config.TOCSIN_JWT_JWKS_URL,
    issuer: config.TOCSIN_JWT_ISSUER!,
    audience: config.TOCSIN_JWT_AUDIENCE!,
    tenantClaim: config.TOCSIN_JWT_TENANT_CLAIM,
  };
}

/**
 * Verifies user JWTs: signature (HS256 with the configured secret, or RS256 with a key from the
 * JWKS), `iss`, `aud`, `exp` (required), then maps the tenant claim to a Principal whose plan is
 * read from the tenant row. Returns undefined for every unacceptable token (the caller answers 401).
 */
export function createJwtVerifier(settings: JwtSettings, db: Database, logger: Logger, changes?: AuthChanges): BearerVerifier {
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : undefined;
  // Keyed by tenant: a plan change drops its entry here and in every other api process.
  const plans = new AuthCache<Plan | undefined>(changes, (change, tenantId) => 'tenantId' in change && change.tenantId === tenantId);

  const planOf = (tenantId: string): Promise<Plan | undefined> =>
    plans.get(tenantId, async () => {
      const tenant = await db.withTenant(tenantId, (tx) => tx.tenant.findUnique({ where: { id: tenantId }, select: { plan: true } }));
      return tenant?.plan as Plan | undefined;
    });

  async function verify(token: string) {
    const options = { issuer: settings.issuer, audience: settings.audience, requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_S };
    // The header only picks which configured key to try; each key has its own algorithm list.
    let alg: string | undefined;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch (err) {
      throw new errors.JWTInvalid('malformed token', { cause: err });
    }
    const useSecret = secret && (!jwks || (alg !== undefined && HMAC_ALGORITHMS.includes(alg)));
    // jose refuses any alg outside the list given (so `none`, or HS256 against the JWKS, fails here).
    return useSecret ? jwtVerify(token, secret, { ...options, algorithms: HMAC_ALGORITHMS }) : jwtVerify(token, jwks!, { ...options, algorithms: JWKS_ALGORITHMS });
  }

  return async (credential): Promise<Principal | undefined> => {
    let payload;
    try {
      ({ payload } = await verify(credential));
    } catch (err) {
      if (err instanceof errors.JOSEError && INVALID_TOKEN.has(err.code)) return undefined;
      // Everything else comes from fetching the key set (network error, timeout, not 200, not a JWKS).
      logger.warn({ err }, 'user JWT could not be verified: the key set is unavailable');
      throw new ApiError(503, 'unavailable', 'The signing keys for user tokens could not be fetched. Retry later.', [], { 'Retry-After': '5' });
    }
    const tenantId = z.uuid().safeParse(payload[settings.tenantClaim]);
    if (!tenantId.success) return undefined;
    const plan = await planOf(tenantId.data);
    if (!plan) return undefined;
    return { tenantId: tenantId.data, scopes: scopesOf(payload), plan, ...(payload.sub ? { subject: payload.sub } : {}) };
  };
}

/** A space-separated string (RFC 8693's `scope`, Entra ID's `scp`) or an array of strings (Okta's `scp`). */
const scopeClaim = z.union([z.string().transform((s) => s.split(' ').filter(Boolean)), z.array(z.string())]);

/**
 * The scopes a user JWT grants: its `scope` claim, else its `scp` claim, intersected with
 * Tocsin's scopes (an identity provider's other scopes mean nothing here). A token that names
 * no scope claim gets events:read; one whose claim names none of Tocsin's gets none.
 */
export function scopesOf(payload: Record<string, unknown>): readonly string[] {
  const raw = payload.scope ?? payload.scp;
  if (raw === undefined) return DEFAULT_JWT_SCOPES;
  const parsed = scopeClaim.safeParse(raw);
  if (!parsed.success) return [];
  return SCOPES.filter((s) => parsed.data.includes(s));
}
