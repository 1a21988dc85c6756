import { createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { createRemoteJWKSet, errors } from 'jose';
import type { CryptoKey, JWK, JWTVerifyGetKey } from 'jose';
import { KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionNames } from '../options.js';
import type { JwtVerifierOptions } from './jwt.js';

const HMAC_ALGS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ASYMMETRIC_ALGS: readonly string[] = [...RSA_ALGS, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const EC_ALGS: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const KEY_SOURCES = ['secret', 'publicKey', 'jwksUrl', 'jwks'] as const;
const OPTION_NAMES: OptionNames<JwtVerifierOptions> = {
  secret: true, publicKey: true, jwksUrl: true, jwks: true, issuer: true, audience: true, algorithms: true,
  clockToleranceSeconds: true, maxTokenAgeSeconds: true, requireExpiry: true, maxTokenLifetimeSeconds: true, orgClaim: true,
};
/** Errors of a key resolver that are about the token, not about the key source being reachable. */
const TOKEN_ERRORS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JOSE_ALG_NOT_ALLOWED']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_LIFETIME = 365 * 86_400;

/** Marks a failure of the key source (JWKS down, timed out, invalid) so that it maps to a 503. */
export class KeySourceUnavailable extends Error {}

/** {@link JwtVerifierOptions} once checked: the key resolver and the values handed to jose `jwtVerify`. */
export interface ResolvedJwtOptions {
  readonly getKey: JWTVerifyGetKey;
  readonly algorithms: string[];
  readonly issuer: string | string[] | undefined;
  readonly audience: string | string[] | undefined;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly orgClaim: string;
  /** `['exp']` unless `requireExpiry` is false. */
  readonly requiredClaims: string[];
  /** `maxTokenLifetimeSeconds`, in seconds. */
  readonly maxLifetime: number;
}

function fail(message: string): never {
  throw new KeywardConfigError(message);
}
const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'CryptoKey';

/**
 * The construction-time half of `createJwtVerifier`: checks every option (unknown ones included)
 * and imports the key source, once. Misconfiguration throws {@link KeywardConfigError}. Internal.
 */
export function resolveJwtOptions(options: JwtVerifierOptions): ResolvedJwtOptions {
  if (typeof options !== 'object' || options === null) fail('jwt options must be an object');
  checkOptions('jwt', options, OPTION_NAMES, 'jwt.');
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
  const requireExpiry = options.requireExpiry ?? true;
  if (typeof requireExpiry !== 'boolean') fail('jwt.requireExpiry must be a boolean');
  const maxLifetime = options.maxTokenLifetimeSeconds ?? 86_400;
  if (typeof maxLifetime !== 'number' || !Number.isFinite(maxLifetime) || maxLifetime < 1 || maxLifetime > MAX_LIFETIME) {
    fail(`jwt.maxTokenLifetimeSeconds must be a number of seconds from 1 to ${MAX_LIFETIME} (one year)`);
  }
  return { getKey, algorithms, issuer, audience, clockTolerance, maxTokenAge, orgClaim, requiredClaims: requireExpiry ? ['exp'] : [], maxLifetime };
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
