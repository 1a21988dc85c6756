/**
 * The shared test suites of keyward, for authors of stores and adapters (and keyward's own
 * packages): one `KeyStore` contract every store runs with a single call, one HTTP scenario suite
 * every framework adapter runs unchanged, and the fault-injecting store and TCP proxy their
 * outage tests need. Import it from test files only: it needs vitest, and it is ESM only.
 *
 * @example
 * ```ts
 * import { runKeyStoreContract } from '@keyward/core/testing';
 * runKeyStoreContract('MyStore', async () => ({ store: new MyStore(client), cleanup: () => wipe() }));
 * ```
 *
 * @module
 */
export { runKeyStoreContract } from './store-contract.js';
export type { KeyStoreContractFixture, KeyStoreContractOptions } from './store-contract.js';
export { createTestRecord } from './contract-helpers.js';
export { runRateLimitStoreContract } from './rate-limit-contract.js';
export type { RateLimitStoreContractFixture } from './rate-limit-contract.js';
export { floodInstances } from './shared-limit.js';
export { runHttpScenarios } from './http-scenarios.js';
export type { HttpScenarioFixture, HttpScenarioManagement, HttpScenarioServer } from './http-scenarios.js';
export { signTestJwt } from './http-scenarios-helpers.js';
export { createFaultyStore } from './fault-store.js';
export type { CountedStoreMethod, FaultMode, FaultyStore } from './fault-store.js';
export { createTcpProxy } from './tcp-proxy.js';
export { runInvalidationContract } from './invalidation-contract.js';
export type { InvalidationContractFixture } from './invalidation-contract.js';
export type { TcpProxy } from './tcp-proxy.js';
export { runLeakReportScenarios } from './leak-scenarios.js';
export type { LeakReportFixture } from './leak-scenarios.js';
