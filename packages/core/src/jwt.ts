import { createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { CryptoKey, JWK, JWTPayload, JWTVerifyGetKey } from 'jose';
import { KeywardConfigError } from './errors.js';
import type { FailureOf, InvalidTokenReason } from './errors.js';
import type { Principal } from './principal.js';
import { defaultRuntime } from './runtime.js';
import type { Runtime } from './runtime.js';

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
  /** Claim holding the organization id. Default `'org'`. */
  orgClaim?: string;
  /** Refuse tokens without a string `sub`. Default true. */
  requireSubject?: boolean;
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

const HMAC_ALGS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ASYMMETRIC_ALGS: readonly string[] = [...RSA_ALGS, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const EC_ALGS: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const KEY_SOURCES = ['secret', 'publicKey', 'jwksUrl', 'jwks'] as const;
const OPTION_KEYS = new Set<string>([...KEY_SOURCES, 'issuer', 'audience', 'algorithms', 'clockToleranceSeconds', 'maxTokenAgeSeconds', 'orgClaim', 'requireSubject']);
/** Errors of a key resolver that are about the token, not about the key source being reachable. */
const TOKEN_ERRORS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JOSE_ALG_NOT_ALLOWED']);
/** jose error codes → reason; everything else (JWSInvalid, JWTInvalid, key errors...) is `malformed`. */
const JOSE_REASONS: Readonly<Record<string, InvalidTokenReason>> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWKS_NO_MATCHING_KEY: 'signature',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm',
};
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
const UNAVAILABLE = Object.freeze({ code: 'auth_unavailable', reason: 'jwks_unavailable', retryAfterSeconds: 5 } as const);

/** Marks a failure of the key source (JWKS down, timed out, invalid) so that it maps to a 503. */
class KeySourceUnavailable extends Error {}

function fail(message: string): never {
  throw new KeywardConfigError(message);
}
const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'CryptoKey';
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
export function createJwtVerifier(options: JwtVerifierOptions, runtime: Pick<Runtime, 'now'> = defaultRuntime): JwtVerifier {
  if (typeof options !== 'object' || options === null) fail('jwt options must be an object');
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length > 0) fail(`Unknown option(s): ${unknown.map((key) => `"jwt.${key}"`).join(', ')}`);
  const sources = KEY_SOURCES.filter((key) => options[key] !== undefined);
  const source = sources[0];
  if (sources.length !== 1 || source === undefined) {
    fail(`jwt needs exactly one key source of "jwt.secret", "jwt.publicKey", "jwt.jwksUrl", "jwt.jwks" (got ${sources.length})`);
  }
  const algorithms = checkAlgorithms(options.algorithms, source);
  const getKey =
    source === 'secret' ? secretResolver(options.secret!, algorithms)
    : source === 'publicKey' ? publicKeyResolver(options.publicKey!, algorithms)
    : guardKeySource(source === 'jwks' ? checkJwks(options.jwks) : createRemoteJWKSet(checkJwksUrl(options.jwksUrl)));
  const issuer = stringList(options.issuer, 'jwt.issuer');
  const audience = stringList(options.audience, 'jwt.audience');
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  if (typeof clockTolerance !== 'number' || !Number.isFinite(clockTolerance) || clockTolerance < 0) fail('jwt.clockToleranceSeconds must be a non-negative number');
  const maxTokenAge = options.maxTokenAgeSeconds;
  if (maxTokenAge !== undefined && (typeof maxTokenAge !== 'number' || !Number.isFinite(maxTokenAge) || maxTokenAge <= 0)) fail('jwt.maxTokenAgeSeconds must be a positive number');
  const orgClaim = options.orgClaim ?? 'org';
  if (typeof orgClaim !== 'string' || orgClaim === '') fail('jwt.orgClaim must be a non-empty string');
  const requireSubject = options.requireSubject ?? true;
  if (typeof requireSubject !== 'boolean') fail('jwt.requireSubject must be a boolean');

  return {
    async verify(token) {
      if (!looksLikeJwt(token)) return invalid('malformed');
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms, issuer, audience, clockTolerance, maxTokenAge, currentDate: new Date(runtime.now()),
        });
        return toPrincipal(payload, orgClaim, requireSubject);
      } catch (error) {
        return classify(error);
      }
    },
  };
}

function checkAlgorithms(value: unknown, source: (typeof KEY_SOURCES)[number]): string[] {
  const symmetric = source === 'secret';
  const list = value ?? (symmetric ? ['HS256'] : fail(`jwt.algorithms is required with "jwt.${source}"`));
  if (!Array.isArray(list) || list.length === 0) fail('jwt.algorithms must be a non-empty array');
  for (const alg of list as unknown[]) {
    if (typeof alg !== 'string') fail('jwt.algorithms must only contain strings');
    const name = alg as string;
    if (name.toLowerCase() === 'none') fail('jwt.algorithms must not contain "none"');
    const hmac = HMAC_ALGS.includes(name);
    if (!hmac && !ASYMMETRIC_ALGS.includes(name)) fail(`jwt.algorithms contains unsupported "${name}"`);
    if (symmetric && !hmac) fail(`jwt.algorithms contains "${name}", but "jwt.secret" only allows HS256, HS384, HS512`);
    if (!symmetric && hmac) fail(`jwt.algorithms contains "${name}", which needs "jwt.secret"; "jwt.${source}" only allows asymmetric algorithms`);
  }
  return [...new Set(list as string[])];
}

/** HS* key: bytes checked once, imported as a non-extractable CryptoKey once per algorithm. */
function secretResolver(secret: NonNullable<JwtVerifierOptions['secret']>, algorithms: string[]): JWTVerifyGetKey {
  const minBytes = Math.max(...algorithms.map((alg) => Number(alg.slice(2)) / 8));
  if (isCryptoKey(secret)) {
    const algorithm = secret.algorithm as { name: string; hash?: { name?: string }; length?: number };
    if (secret.type !== 'secret' || algorithm.name !== 'HMAC') fail('jwt.secret CryptoKey must be an HMAC secret key');
    if (algorithms.some((alg) => algorithm.hash?.name !== `SHA-${alg.slice(2)}`)) fail(`jwt.algorithms must match the hash of the "jwt.secret" CryptoKey`);
    if ((algorithm.length ?? 0) < minBytes * 8) fail(`jwt.secret must be at least ${minBytes} bytes`);
    return async () => secret;
  }
  let bytes: Uint8Array;
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
  else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret);
  else if (secret instanceof KeyObject && secret.type === 'secret') bytes = new Uint8Array(secret.export());
  else return fail('jwt.secret must be a string, a Uint8Array or a secret KeyObject/CryptoKey');
  if (bytes.length < minBytes) fail(`jwt.secret must be at least ${minBytes} bytes for ${algorithms.join(', ')}`);
  const keys = new Map<string, Promise<CryptoKey>>();
  return (header) => {
    const alg = header.alg ?? '';
    let key = keys.get(alg);
    if (key === undefined) {
      key = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']) as Promise<CryptoKey>;
      keys.set(alg, key);
    }
    return key;
  };
}

/** Asymmetric key: parsed once into a KeyObject (jose caches its CryptoKey per algorithm); algorithms must fit it. */
function publicKeyResolver(input: NonNullable<JwtVerifierOptions['publicKey']>, algorithms: string[]): JWTVerifyGetKey {
  let key: KeyObject;
  if (typeof input === 'string' && input.includes('PRIVATE KEY')) fail('jwt.publicKey must be a public key, not a private key');
  if (typeof input === 'object' && !(input instanceof KeyObject) && !isCryptoKey(input)) {
    const jwk = input as JWK;
    if (jwk.kty === 'oct' || jwk.d !== undefined) fail('jwt.publicKey JWK must be a public RSA, EC or OKP key');
    if (typeof jwk.alg === 'string' && algorithms.some((alg) => alg !== jwk.alg)) fail(`jwt.algorithms must only contain "${jwk.alg}", the "alg" of jwt.publicKey`);
  }
  try {
    if (typeof input === 'string') key = createPublicKey(input);
    else if (input instanceof KeyObject) key = input;
    else if (isCryptoKey(input)) key = KeyObject.from(input as webcrypto.CryptoKey);
    else key = createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
  } catch {
    return fail('jwt.publicKey must be a PEM public key, a public JWK, a KeyObject or a CryptoKey');
  }
  if (key.type !== 'public') fail('jwt.publicKey must be a public key');
  const type = key.asymmetricKeyType;
  const fits =
    type === 'rsa' ? ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? RSA_ALGS : fail('jwt.publicKey RSA key must be at least 2048 bits'))
    : type === 'ec' ? [EC_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? '']
    : type === 'ed25519' ? ['EdDSA', 'Ed25519']
    : [];
  for (const alg of algorithms) if (!fits.includes(alg)) fail(`jwt.algorithms contains "${alg}", which cannot be used with the ${type ?? 'given'} key of jwt.publicKey`);
  return async () => key;
}

function checkJwks(value: unknown): JWTVerifyGetKey {
  return typeof value === 'function' ? (value as JWTVerifyGetKey) : fail('jwt.jwks must be a key resolver function such as createLocalJWKSet(...)');
}

function checkJwksUrl(value: unknown): URL {
  let url: URL | undefined;
  try {
    url = value instanceof URL ? new URL(value.href) : typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined) return fail('jwt.jwksUrl must be an absolute URL');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) fail('jwt.jwksUrl must use https: (http: is allowed for localhost only)');
  return url;
}

/** Lets token-related resolver errors through; anything else (network, timeout, bad JWKS) means the key source is unavailable. */
function guardKeySource(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      throw error instanceof errors.JOSEError && TOKEN_ERRORS.has(error.code) ? error : new KeySourceUnavailable();
    }
  };
}

function stringList(value: unknown, name: string): string | string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    fail(`${name} must be a non-empty string or a non-empty array of non-empty strings`);
  }
  return typeof value === 'string' ? value : [...(list as string[])];
}

function classify(error: unknown): JwtResult {
  if (error instanceof KeySourceUnavailable) return { ok: false, failure: UNAVAILABLE };
  if (!(error instanceof errors.JOSEError)) return invalid('malformed');
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(error.claim === 'nbf' ? 'not_yet_valid' : 'claims');
  return invalid(JOSE_REASONS[error.code] ?? 'malformed');
}

function toPrincipal(payload: JWTPayload, orgClaim: string, requireSubject: boolean): JwtResult {
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
  if (sub === undefined && requireSubject) return invalid('claims');
  const org = payload[orgClaim];
  const raw = typeof payload.scope === 'string' ? payload.scope : payload['scp'];
  const list: unknown[] = typeof raw === 'string' ? raw.split(/\s+/) : Array.isArray(raw) ? raw : [];
  const scopes = [...new Set(list.filter((scope): scope is string => typeof scope === 'string' && scope !== ''))];
  const principal: Principal = {
    type: 'jwt',
    keyId: null,
    ownerId: sub ?? '',
    orgId: typeof org === 'string' && org !== '' ? org : null,
    nickname: null,
    scopes: Object.freeze(scopes),
    environment: null,
    expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
    metadata: Object.freeze({ ...payload }),
  };
  return { ok: true, principal: Object.freeze(principal) };
}
