/**
 * Failure codes and error classes of keyward.
 *
 * Authentication never throws: it returns an {@link AuthFailure} value whose `code` is one of
 * {@link FailureCode}. Exceptions are reserved for misconfiguration ({@link KeywardConfigError})
 * and for key-manager calls that cannot be carried out ({@link KeyManagerError}).
 *
 * @module
 */

/**
 * Every code keyward puts in a 401/403/429/503 body (the HTTP contract, docs/http-contract.md).
 *
 * - `missing_credentials`: neither `X-API-Key` nor `Authorization` carries a credential.
 * - `malformed_credentials`: a header is there but unusable (other scheme, extra words, several values, control characters, absurd length).
 * - `invalid_api_key`: a key-shaped value that is not a live key (unknown prefix, wrong length or alphabet, bad checksum, unknown to the store).
 * - `expired_api_key`: the key exists and its expiry (or rotation grace) has passed.
 * - `revoked_api_key`: the key exists and was revoked or deleted.
 * - `invalid_token`: a JWT that fails verification, or a non-JWT on a JWT-only route.
 * - `insufficient_scope`: authenticated, but the route's scopes are not granted.
 * - `forbidden_organization`: authenticated, but the resource belongs to another organization.
 * - `rate_limited`: a rate limit of the key (or its organization or owner) is exhausted; retry after `Retry-After`.
 * - `quota_exceeded`: a usage quota (credits) is spent until it refills.
 * - `auth_unavailable`: the store failed or timed out (or the management `authenticate` function failed); clients should retry.
 */
export type FailureCode =
  | 'missing_credentials'
  | 'malformed_credentials'
  | 'invalid_api_key'
  | 'expired_api_key'
  | 'revoked_api_key'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'forbidden_organization'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'auth_unavailable';

/** Why a present header could not be used. Never contains any part of the credential. */
export type MalformedReason =
  | 'empty'
  | 'unsupported_scheme'
  | 'missing_token'
  | 'extra_words'
  | 'multiple_values'
  | 'invalid_characters'
  | 'too_long';

/** Why a key-shaped value was rejected. `not_found` is the only reason that cost a store lookup. */
export type InvalidKeyReason =
  | 'unknown_prefix'
  | 'bad_length'
  | 'bad_alphabet'
  | 'bad_checksum'
  | 'not_found'
  | 'jwt_not_accepted';

/** Where a credential was read from. */
export type CredentialSource = 'x-api-key' | 'authorization';

/**
 * A failed authentication or authorization, as a value.
 *
 * @example
 * ```ts
 * const result = await keyward.authenticate(headers);
 * if (!result.ok) {
 *   switch (result.failure.code) {
 *     case 'auth_unavailable': retryLater(result.failure.retryAfterSeconds); break;
 *     case 'insufficient_scope': console.log(result.failure.required); break;
 *   }
 * }
 * ```
 */
export type AuthFailure =
  | { readonly code: 'missing_credentials' }
  | { readonly code: 'malformed_credentials'; readonly reason: MalformedReason; readonly source: CredentialSource }
  | { readonly code: 'invalid_api_key'; readonly reason: InvalidKeyReason }
  | { readonly code: 'expired_api_key'; readonly keyId: string }
  | { readonly code: 'revoked_api_key'; readonly keyId: string }
  | { readonly code: 'invalid_token'; readonly reason: InvalidTokenReason }
  | {
      readonly code: 'insufficient_scope';
      readonly required: readonly string[];
      readonly provided: readonly string[];
      readonly mode: 'all' | 'any';
    }
  | { readonly code: 'forbidden_organization'; readonly orgId: string | null }
  | { readonly code: 'rate_limited' | 'quota_exceeded'; readonly retryAfterSeconds: number; readonly policy?: RateLimitPolicyInfo; readonly headers?: Readonly<Record<string, string>> }
  | {
      readonly code: 'auth_unavailable';
      readonly retryAfterSeconds: number;
      readonly reason: 'store_error' | 'store_timeout' | 'jwks_unavailable' | 'limiter_unavailable' | 'session_unavailable';
    };

/** The limit a 429 names: its policy name, its quota (units) and its window (seconds). */
export interface RateLimitPolicyInfo {
  readonly name: string;
  readonly quota: number;
  readonly windowSeconds: number;
}

/** Why a JWT was refused. Coarse on purpose: the body never says more than `invalid_token`. */
export type InvalidTokenReason =
  | 'not_configured'
  | 'not_a_jwt'
  | 'api_key_not_accepted'
  | 'signature'
  | 'algorithm'
  | 'expired'
  | 'not_yet_valid'
  | 'claims'
  | 'malformed';

/** Narrow an {@link AuthFailure} to one code. */
export type FailureOf<C extends FailureCode> = Extract<AuthFailure, { code: C }>;

/**
 * The one base class of every error keyward throws: configuration errors, key-manager errors and
 * the stores' errors all extend it, and each narrows `code` to its own closed union, so one
 * `instanceof KeywardError` check and one `switch (error.code)` cover them all. Messages never
 * contain key material.
 *
 * @example
 * ```ts
 * try { await keyward.keys.revoke(id, { ownerId }) }
 * catch (e) {
 *   if (!(e instanceof KeywardError)) throw e;
 *   console.warn(e.code, e.message); // e.g. "not_found", "API key not found."
 * }
 * ```
 */
export class KeywardError<Code extends string = string> extends Error {
  /** Stable, machine-readable reason; each subclass documents its closed set. */
  readonly code: Code;
  constructor(code: Code, message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeywardError';
    this.code = code;
  }
}

/**
 * Codes of {@link KeywardConfigError}.
 *
 * - `invalid_option`: an option has the wrong type, shape or range (the message names it and says what is accepted).
 * - `unknown_option`: an option object names something that is not an option (the message gives its full path and, when one is close, the option meant).
 */
export type ConfigErrorCode = 'invalid_option' | 'unknown_option';

/**
 * Thrown at construction time when options are wrong. Never thrown while serving requests.
 *
 * @example
 * ```ts
 * try { createKeyward({ store, prefixes: ['Bad-Prefix'] }) }
 * catch (e) { if (e instanceof KeywardConfigError) console.error(e.message) }
 * ```
 */
export class KeywardConfigError extends KeywardError<ConfigErrorCode> {
  constructor(message: string, code: ConfigErrorCode = 'invalid_option') {
    super(code, message);
    this.name = 'KeywardConfigError';
  }
}

/**
 * Codes of {@link KeyManagerError}.
 *
 * - `invalid_input`: a field is missing or has the wrong type or shape (HTTP 422).
 * - `invalid_scope`: a scope is not in the configured allow-list or is not a valid scope string (422).
 * - `invalid_expiry`: the expiry is not a valid date or is not in the future (422).
 * - `nickname_conflict`: the owner already has a live key with this nickname (409).
 * - `key_limit`: the owner already holds `keys.maxActiveKeysPerOwner` active keys (422).
 * - `not_found`: no key with this id (404).
 * - `not_owner`: the key belongs to another account (401, see docs/management-api.md).
 * - `store_unavailable`: the store failed or timed out (503).
 */
export type KeyManagerErrorCode =
  | 'invalid_input'
  | 'invalid_scope'
  | 'invalid_expiry'
  | 'nickname_conflict'
  | 'key_limit'
  | 'not_found'
  | 'not_owner'
  | 'store_unavailable';

/**
 * Thrown by the key manager (`keyward.keys`) when a request cannot be carried out.
 * Messages are safe to show to the caller: they never contain key material.
 *
 * @example
 * ```ts
 * try { await keyward.keys.create({ ownerId, orgId, nickname: 'ci' }) }
 * catch (e) {
 *   if (e instanceof KeyManagerError && e.code === 'nickname_conflict') reply(409, e.message);
 * }
 * ```
 */
export class KeyManagerError extends KeywardError<KeyManagerErrorCode> {
  /** The offending field, when one is to blame. */
  readonly field: string | undefined;
  constructor(code: KeyManagerErrorCode, message: string, options?: { readonly field?: string; readonly cause?: unknown }) {
    super(code, message, options);
    this.name = 'KeyManagerError';
    this.field = options?.field;
  }
}
