/**
 * keyward core: API-key authentication for any Node.js framework.
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
export type { AuthResult, OptionalAuthResult } from './pipeline.js';
export type { Principal } from './principal.js';
export { MemoryKeyStore } from './memory-store.js';
export { InvalidationListeners, decodeInvalidationEvent, encodeInvalidationEvent } from './invalidation.js';
export type { InvalidationSubscriber } from './invalidation.js';
export type { ApiKeyPatch, ApiKeyRecord, InsertResult, InvalidationEvent, KeyStore, RotateResult } from './store.js';
export { KeyManager } from './key-manager.js';
export type { ApiKeyInfo, CreatedKey, CreateKeyInput, KeyManagerOptions, OwnerScope } from './key-manager.js';
export { extractCredential } from './credentials.js';
export type { Credential, ExtractOptions, ExtractResult, HeaderInput } from './credentials.js';
export { computeChecksum, generateKey, keyStart, normalizePrefixes, parseKey } from './key-format.js';
export type { KeyPrefix, ParsedKey, ParseKeyResult } from './key-format.js';
export { createKeyHasher } from './hashing.js';
export type { KeyHasher, KeyHashFunction, Pepper, PepperOption } from './hashing.js';
export { checkOrganization, compileScopes, isValidGrant, isValidScope, scopeGranted } from './scopes.js';
export type { ScopeMode, ScopeRequirement } from './scopes.js';
export { createFailureResponder, managementErrorResponse, statusOf } from './responses.js';
export type { FailureBody, FailureResponder, FailureResponse, ManagementErrorBody, ResponseOptions } from './responses.js';
export { createJwtVerifier, looksLikeJwt } from './jwt.js';
export type { JwtResult, JwtVerifier, JwtVerifierOptions } from './jwt.js';
export type { CacheOptions } from './cache.js';
export type { UsageOptions } from './usage.js';
export type { Runtime } from './runtime.js';
export { createManagementApi } from './management.js';
export type { ManagementApi, ManagementOptions, ManagementRequest, ManagementResponse } from './management.js';
export { assertKeyward, createOrganizationGuard, createScopeGuard } from './guards.js';
export { checkAdapterOptions } from './options.js';
export type { OrganizationGuard, ScopeGuard, ScopeGuardArguments } from './guards.js';
export { KeyManagerError, KeywardConfigError, isKeyManagerError } from './errors.js';
export type { AuthFailure, FailureCode, FailureOf, KeyManagerErrorCode } from './errors.js';
