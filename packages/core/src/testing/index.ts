/**
 * Test helpers for keyward stores and integrations: the shared `KeyStore` contract suite, a record
 * factory for a store's own extra tests, and a fault-injecting store wrapper. Import from
 * `@keyward/core/testing` in test files only (needs vitest).
 *
 * @example
 * ```ts
 * import { runKeyStoreContract, createFaultyStore } from '@keyward/core/testing';
 * runKeyStoreContract('MyStore', () => ({ store: new MyStore(client) }));
 * ```
 *
 * @module
 */
export { runKeyStoreContract } from './store-contract.js';
export { createTestRecord } from './contract-helpers.js';
export type { KeyStoreContractFixture, KeyStoreContractOptions } from './store-contract.js';
export { createFaultyStore, INJECTED_ERROR_MESSAGE, RELEASED_HANG_MESSAGE } from './fault-store.js';
export type { CountedStoreMethod, FaultMode, FaultyStore } from './fault-store.js';
export { waitFor } from './contract-helpers.js';
export { createTcpProxy } from './tcp-proxy.js';
export { runInvalidationContract } from './invalidation-contract.js';
export type { InvalidationContractFixture } from './invalidation-contract.js';
export type { TcpProxy } from './tcp-proxy.js';
export { runHttpScenarios } from './http-scenarios.js';
export { listenOnLoopback } from './listen.js';
export type { HttpScenarioFixture, HttpScenarioServer } from './http-scenarios.js';
export { expectFailure, signTestJwt } from './http-scenarios-helpers.js';
export type { ScenarioResponse } from './http-scenarios-helpers.js';
