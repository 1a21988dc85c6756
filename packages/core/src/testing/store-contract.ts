import { afterEach, beforeEach, describe } from 'vitest';
import type { KeyStore } from '@keyward/core/store';
import { describeAuditContract } from './contract-audit.js';
import { contractContext, randomHex } from './contract-helpers.js';
import { describePubSubContract } from './contract-pubsub.js';
import { describeOrgContract } from './contract-org.js';
import { describeOwnerContract } from './contract-owner.js';
import { describeRecordContract } from './contract-records.js';
import { describeRevokeContract } from './contract-revoke.js';
import { describeUpdateContract } from './contract-update.js';

/** What the `setup` of {@link runKeyStoreContract} returns: a fresh store and how to clean up after it. */
export interface KeyStoreContractFixture {
  readonly store: KeyStore;
  /** Runs after each test (wipe tables, `store.close()`, ...). The suite itself never calls `store.close()`. */
  readonly cleanup?: () => Promise<void>;
}

/** Options of {@link runKeyStoreContract}. */
export interface KeyStoreContractOptions {
  /**
   * Whether the store has an invalidation channel (`publish` + `subscribe`). Default true: the
   * pub/sub tests run and fail if the methods are missing. `false`: the store must have neither.
   */
  readonly supportsPubSub?: boolean;
  /**
   * Whether the store keeps audit events (`appendAudit` + `listAudit`). Default true: the audit
   * tests run and fail if the methods are missing. `false`: the store must have neither.
   */
  readonly supportsAudit?: boolean;
  /** Timeout in ms for each test and hook (raise it for remote databases). Default: vitest's. */
  readonly timeout?: number;
}

/**
 * The one contract suite every {@link KeyStore} runs: lookups, exact round trips, conflicts, the
 * nickname rule, atomic insert, revoke, rotate and update (and their races), the per-owner active-key
 * limit, paginated `listByOwner` that stays fast whatever an owner's history, `listByOrg` across an organization's owners, batched `touchLastUsed`, and publish/subscribe and
 * audit events when the store declares them. `setup` is called before each test and must return a usable store; the suite uses
 * random ids, hashes and owners, so a database shared between tests or runs does not make it clash.
 *
 * @example
 * ```ts
 * import { runKeyStoreContract } from '@keyward/core/testing';
 * runKeyStoreContract('PostgresKeyStore', async () => {
 *   const store = new PostgresKeyStore({ pool });
 *   return { store, cleanup: () => store.close() };
 * }, { timeout: 10_000 });
 * ```
 */
export function runKeyStoreContract(
  name: string,
  setup: () => Promise<KeyStoreContractFixture> | KeyStoreContractFixture,
  options: KeyStoreContractOptions = {},
): void {
  let fixture: KeyStoreContractFixture | undefined;
  let owner = '';
  const store = (): KeyStore => {
    if (fixture === undefined) throw new Error('runKeyStoreContract: setup did not run');
    return fixture.store;
  };
  const context = contractContext(store, () => owner, options.timeout);

  describe(`KeyStore contract: ${name}`, () => {
    beforeEach(async () => {
      owner = `owner_${randomHex(8)}`;
      fixture = await setup();
    }, options.timeout);
    afterEach(async () => {
      const done = fixture;
      fixture = undefined;
      await done?.cleanup?.();
    }, options.timeout);

    describeRecordContract(context);
    describeRevokeContract(context);
    describeUpdateContract(context);
    describeOwnerContract(context);
    describeOrgContract(context);
    describePubSubContract(context, options.supportsPubSub ?? true);
    describeAuditContract(context, options.supportsAudit ?? true);
  });
}
