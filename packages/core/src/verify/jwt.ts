import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import type { CryptoKey, JWK, JWTPayload, JWTVerifyGetKey } from 'jose';
import type { FailureOf, InvalidTokenReason, KeywardConfigError } from '../errors.js';
import { KeySourceUnavailable, resolveJwtOptions } from './jwt-options.js';
import type { Principal } from './principal.js';
import { defaultRuntime } from '../runtime.js';
import type { Runtime } from '../runtime.js';

/**
 * How JWTs (management tokens) are verified. Give exactly one key source.
 *
 * @example
 * ```ts
 * const hs: JwtVerifierOptions = { secret: process.env.KEYWARD_JWT_SECRET, issuer: 'https://auth.example.com' };
 * const rs: JwtVerifierOptions = { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', algorithms: ['RS256'], audience: 'keyward' };
 * ```
 */
export interface JwtVerifierOptions {
  /** HS* shared secret (string → UTF-8 bytes, or Uint8Array; at least 32/48/64 bytes for HS256/384/512), or a secret KeyObject/CryptoKey. */
  secret?: string | Uint8Array | KeyObject | CryptoKey;
  /** Asymmetric public key: PEM (SPKI, PKCS#1 or X.509 certificate), a public JWK, a KeyObject or CryptoKey. */
  publicKey?: string | JWK | KeyObject | CryptoKey;
  /** JWKS endpoint (https, or http on localhost), fetched and cached with jose `createRemoteJWKSet`. */
  jwksUrl?: string | URL;
  /** A ready JWKS resolver such as `createLocalJWKSet(...)` or `createRemoteJWKSet(...)`. */
  jwks?: JWTVerifyGetKey;
  /** Accepted `iss` value(s). */
  issuer?: string | string[];
  /** Accepted `aud` value(s). */
  audience?: string | string[];
  /** Allowed `alg` values. Required with an asymmetric key source; default `['HS256']` with `secret`. */
  algorithms?: string[];
  /** Leeway for `exp`, `nbf` and `iat` checks. Default 5. */
  clockToleranceSeconds?: number;
  /** Reject tokens whose `iat` is older than this (and tokens without `iat`). */
  maxTokenAgeSeconds?: number;
  /** Refuse tokens without `exp` (a token without one never expires). Default true. */
  requireExpiry?: boolean;
  /**
   * Longest lifetime accepted: `exp - iat` (or `exp - now` without `iat`) must not exceed it, so a
   * token with `exp` far in the future is refused. Default 86 400 (one day); at most one year.
   */
  maxTokenLifetimeSeconds?: number;
  /** Claim holding the organization id. Default `'org'`. */
  orgClaim?: string;
}

/**
 * Verifies JWTs; never throws.
 *
 * @example
 * ```ts
 * const result = await verifier.verify(bearerToken);
 * if (result.ok) console.log(result.principal.ownerId);
 * ```
 */
export interface JwtVerifier {
  verify(token: string): Promise<JwtResult>;
}

/**
 * Outcome of {@link JwtVerifier.verify}: a `jwt` principal, or a failure value.
 *
 * @example
 * ```ts
 * if (!result.ok && result.failure.code === 'auth_unavailable') retryAfter(result.failure.retryAfterSeconds);
 * ```
 */
export type JwtResult =
  | { ok: true; principal: Principal }
  | { ok: false; failure: FailureOf<'invalid_token'> | FailureOf<'auth_unavailable'> };

/** jose error codes → reason; everything else (JWSInvalid, JWTInvalid, key errors...) is `malformed`. */
const JOSE_REASONS: Readonly<Record<string, InvalidTokenReason>> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWKS_NO_MATCHING_KEY: 'signature',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm',
};
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

const invalid = (reason: InvalidTokenReason): JwtResult => ({ ok: false, failure: Object.freeze({ code: 'invalid_token', reason }) });

/**
 * Tells whether a value has the shape of a compact JWS: three base64url segments separated by dots
 * (the third may be empty). Says nothing about validity.
 *
 * @example
 * ```ts
 * looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln'); // true
 * looksLikeJwt('eck_live_abc123'); // false
 * ```
 */
export function looksLikeJwt(value: string): boolean {
  return typeof value === 'string' && JWT_SHAPE.test(value);
}

/**
 * Builds a JWT verifier. Options are checked and keys imported here, once; misconfiguration throws
 * {@link KeywardConfigError}. `verify` never throws and never echoes the token.
 *
 * @example
 * ```ts
 * const verifier = createJwtVerifier({ secret: process.env.KEYWARD_JWT_SECRET!, audience: 'keyward' });
 * const result = await verifier.verify(token); // { ok: true, principal } | { ok: false, failure }
 * ```
 */
export function createJwtVerifier(
  options: JwtVerifierOptions,
  runtime: Pick<Runtime, 'now'> & { readonly retryAfterSeconds?: number } = defaultRuntime,
): JwtVerifier {
  const { getKey, algorithms, issuer, audience, clockTolerance, maxTokenAge, orgClaim, requiredClaims, maxLifetime } = resolveJwtOptions(options);
  // A JWKS endpoint that cannot be reached is an outage like a store's: same Retry-After.
  const unavailable = Object.freeze({ code: 'auth_unavailable', reason: 'jwks_unavailable', retryAfterSeconds: runtime.retryAfterSeconds ?? 5 } as const);

  return {
    async verify(token) {
      if (!looksLikeJwt(token)) return invalid('malformed');
      try {
        const now = runtime.now();
        const { payload } = await jwtVerify(token, getKey, {
          algorithms, issuer, audience, clockTolerance, maxTokenAge, requiredClaims, currentDate: new Date(now),
        });
        return checkLifetime(payload, now / 1000, clockTolerance, maxLifetime) ?? toPrincipal(payload, orgClaim);
      } catch (error) {
        return error instanceof KeySourceUnavailable ? { ok: false, failure: unavailable } : classify(error);
      }
    },
  };
}

function classify(error: unknown): JwtResult {
  if (!(error instanceof errors.JOSEError)) return invalid('malformed');
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(error.claim === 'nbf' ? 'not_yet_valid' : 'claims');
  return invalid(JOSE_REASONS[error.code] ?? 'malformed');
}

/**
 * The time rules jose does not apply by itself: `iat` must not be in the future (beyond the clock
 * tolerance), and the token must not live longer than `maxLifetime` seconds. `null` when they hold.
 */
function checkLifetime(payload: JWTPayload, now: number, tolerance: number, maxLifetime: number): JwtResult | null {
  const { iat, exp } = payload;
  if (typeof iat === 'number' && iat > now + tolerance) return invalid('not_yet_valid');
  if (typeof exp === 'number' && (typeof iat === 'number' ? exp - iat : exp - now - tolerance) > maxLifetime) return invalid('claims');
  return null;
}

/** The principal of a verified token. A token without a non-empty `sub` is refused: every principal has an owner. */
function toPrincipal(payload: JWTPayload, orgClaim: string): JwtResult {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') return invalid('claims');
  const org = payload[orgClaim];
  const raw = typeof payload.scope === 'string' ? payload.scope : payload['scp'];
  const list: unknown[] = typeof raw === 'string' ? raw.split(/\s+/) : Array.isArray(raw) ? raw : [];
  const scopes = [...new Set(list.filter((scope): scope is string => typeof scope === 'string' && scope !== ''))];
  const principal: Principal = {
    type: 'jwt',
    keyId: null,
    ownerId: sub,
    orgId: typeof org === 'string' && org !== '' ? org : null,
    nickname: null,
    scopes: Object.freeze(scopes),
    environment: null,
    expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
    metadata: Object.freeze({ ...payload }),
  };
  return { ok: true, principal: Object.freeze(principal) };
}
