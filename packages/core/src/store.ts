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
  ApiKeyPage, ApiKeyRecord, InsertOptions, InsertResult, InvalidationEvent, KeyStore, ListByOwnerQuery, ListPosition, RevokeResult, RotateResult,
} from './store/key-store.js';
export { InvalidationListeners, decodeInvalidationEvent, encodeInvalidationEvent } from './store/invalidation.js';
export type { InvalidationSubscriber } from './store/invalidation.js';
export { checkOptions } from './options.js';
export type { OptionNames } from './options.js';
export { KeywardConfigError, KeywardError } from './errors.js';
