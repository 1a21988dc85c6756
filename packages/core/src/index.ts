/**
 * keyward core, for applications: configure keyward once, authenticate requests, mint and manage
 * keys. Framework adapters (`@keyward/express`, `@keyward/fastify`, `@keyward/koa`) and stores
 * (`@keyward/postgres`, `@keyward/redis`) build on it; their authors use `@keyward/core/adapter`
 * and `@keyward/core/store`.
 *
 * @example
 * ```ts
 * import { createKeyward, MemoryKeyStore } from '@keyward/core';
 * const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], pepper: process.env.KEYWARD_PEPPER });
 * const result = await keyward.authenticate(req.headers);
 * if (!result.ok) { const r = keyward.respond(result.failure); res.writeHead(r.status, r.headers).end(r.json); }
 * ```
 *
 * @module
 */
export { createKeyward } from './keyward.js';
export type { Keyward, KeywardOptions } from './keyward.js';
export { MemoryKeyStore } from './store/memory-store.js';
export type { MemoryKeyStoreOptions } from './store/memory-store.js';
export { KeyManagerError, KeywardConfigError, KeywardError } from './errors.js';
export type {
  AuthFailure,
  ConfigErrorCode,
  CredentialSource,
  FailureCode,
  FailureOf,
  InvalidKeyReason,
  InvalidTokenReason,
  KeyManagerErrorCode,
  MalformedReason,
} from './errors.js';
export type { AuthResult, OptionalAuthResult } from './verify/pipeline.js';
export type { Principal } from './verify/principal.js';
export type { HeaderInput } from './verify/credentials.js';
export type { CacheOptions } from './verify/cache.js';
export type { UsageOptions } from './verify/usage.js';
export type { JwtVerifierOptions } from './verify/jwt.js';
export type { ScopeMode } from './verify/scopes.js';
export type { KeyPrefix } from './keys/key-format.js';
export type { Pepper, PepperOption } from './keys/hashing.js';
export type { KeyManager, KeyManagerOptions, CreatedKey, KeyPage, ListPageOptions, OwnerScope } from './keys/key-manager.js';
export type { ApiKeyInfo, CreateKeyInput, UpdateKeyInput } from './keys/key-input.js';
export type { FailureBody, FailureResponse, ResponseOptions } from './http/responses.js';
export type { ScopePolicy, ScopePolicyOption } from './management/scope-policy.js';
export type { ManagementUiOption } from './management/ui.js';
export type { ManagementAuthenticate, ManagementClaims, ManagementPrincipal, SessionPrincipal } from './management/principal.js';
export { MemoryRateLimitStore } from './ratelimit/memory-rate-limit-store.js';
export { parseRateLimit } from './ratelimit/limits.js';
export type { KeyRateLimit, LimitSubject, QuotaPeriod, QuotaRule, RateLimitRule } from './ratelimit/limits.js';
export type { RateLimitOptions, RateLimitResult } from './ratelimit/limiter.js';
export type { RateLimitPolicyInfo } from './errors.js';
export type {
  ActorContext,
  AuthnFailEvent,
  AuthzFailEvent,
  EventOptions,
  KeyCreatedEvent,
  KeyReuseEvent,
  KeyRevokedEvent,
  KeyRotatedEvent,
  KeyUpdatedEvent,
  KeywardEvent,
  KeywardEventBase,
  KeywardEventType,
  LeakReportedEvent,
  RateLimitExceededEvent,
} from './events/types.js';
export type { RespondContext } from './events/request-events.js';
export type { KeywardTelemetry } from './telemetry/hooks.js';
