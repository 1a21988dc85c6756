/**
 * For authors of key stores (`@keyward/postgres`, `@keyward/redis`, or your own): the `KeyStore`
 * contract and its record types, the wire form of invalidation events and a registry of their
 * subscribers, and the one option check. Run the shared contract suite from
 * `@keyward/core/testing` against your store. Applications never need this entry.
 *
 * @example
 * ```ts
 * import type { ApiKeyRecord, KeyStore } from '@keyward/core/store';
 * export class MyStore implements KeyStore { ... }
 * ```
 *
 * @module
 */
export type {
  ApiKeyPage, ApiKeyRecord, AuditPage, AuditPosition, AuditQuery, AuditRecord, InsertOptions, InsertResult, InvalidationEvent, InvalidationReset, KeyStore, ListByOwnerQuery, ListPosition, RevokeResult, RotateResult, ApiKeyUpdate, UpdateResult,
} from './store/key-store.js';
export { InvalidationHub, decodeInvalidationEvent, encodeInvalidationEvent } from './store/invalidation.js';
export type { InvalidationHubOptions, OpenInvalidationChannel } from './store/invalidation.js';
export type { QuotaBucket, RateLimitBucket, RateLimitDecision, RateLimitRequest, RateLimitStore } from './ratelimit/rate-limit-store.js';
export { decide as decideRateLimit } from './ratelimit/gcra.js';
export { checkOptions, checkRange } from './options.js';
export type { OptionNames } from './options.js';
export { KeywardConfigError, KeywardError } from './errors.js';
