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
export type { AuthResult, OptionalAuthResult } from './verify/pipeline.js';
export type { Principal } from './verify/principal.js';
export { MemoryKeyStore } from './store/memory-store.js';
export { InvalidationHub, decodeInvalidationEvent, encodeInvalidationEvent } from './store/invalidation.js';
export type { InvalidationHubOptions, OpenInvalidationChannel } from './store/invalidation.js';
export type { ApiKeyPatch, ApiKeyRecord, InsertResult, InvalidationEvent, InvalidationReset, KeyStore, RotateResult } from './store/key-store.js';
export { KeyManager } from './keys/key-manager.js';
export type { ApiKeyInfo, CreatedKey, CreateKeyInput, KeyManagerOptions, OwnerScope } from './keys/key-manager.js';
export { extractCredential } from './verify/credentials.js';
export type { Credential, ExtractOptions, ExtractResult, HeaderInput } from './verify/credentials.js';
export { computeChecksum, generateKey, keyStart, normalizePrefixes, parseKey } from './keys/key-format.js';
export type { KeyPrefix, ParsedKey, ParseKeyResult } from './keys/key-format.js';
export { createKeyHasher } from './keys/hashing.js';
export type { KeyHasher, KeyHashFunction, Pepper, PepperOption } from './keys/hashing.js';
export { checkOrganization, compileScopes, isValidGrant, isValidScope, scopeGranted } from './verify/scopes.js';
export type { ScopeMode, ScopeRequirement } from './verify/scopes.js';
export { createFailureResponder, managementErrorResponse, statusOf } from './http/responses.js';
export type { FailureBody, FailureResponder, FailureResponse, ManagementErrorBody, ResponseOptions } from './http/responses.js';
export { createJwtVerifier, looksLikeJwt } from './verify/jwt.js';
export type { JwtResult, JwtVerifier, JwtVerifierOptions } from './verify/jwt.js';
export type { CacheOptions } from './verify/cache.js';
export type { UsageOptions } from './verify/usage.js';
export type { Runtime } from './runtime.js';
export { createManagementApi } from './management/management.js';
export type { ManagementApi, ManagementOptions, ManagementRequest, ManagementResponse } from './management/management.js';
export { assertKeyward, createOrganizationGuard, createScopeGuard } from './http/guards.js';
export { checkAdapterOptions } from './options.js';
export type { OrganizationGuard, ScopeGuard, ScopeGuardArguments } from './http/guards.js';
export { KeyManagerError, KeywardConfigError, isKeyManagerError } from './errors.js';
export type { AuthFailure, FailureCode, FailureOf, KeyManagerErrorCode } from './errors.js';
