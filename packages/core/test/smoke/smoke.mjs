// Runtime smoke test of the built ES module entry points (run by .ci/run after the build).
import assert from 'node:assert/strict';
import { KeyManagerError, KeywardConfigError, KeywardError, MemoryKeyStore, createKeyward } from '@keyward/core';
import { KeywardConfigError as FromAdapter } from '@keyward/core/adapter';
import { KeywardError as FromStore } from '@keyward/core/store';
import { createFaultyStore, runKeyStoreContract } from '@keyward/core/testing';

assert.equal(KeywardConfigError, FromAdapter);
assert.equal(KeywardError, FromStore);
assert.ok(new KeyManagerError('not_found', 'x') instanceof KeywardError);
assert.equal(typeof runKeyStoreContract, 'function');
const store = createFaultyStore(new MemoryKeyStore());
const keyward = createKeyward({ store, prefixes: ['eck_live_'], pepper: 'p'.repeat(32) });
const { key } = await keyward.keys.create({ ownerId: 'u', nickname: 'smoke', scopes: ['a:b'] });
assert.equal((await keyward.authenticate({ 'x-api-key': key })).ok, true);
assert.equal((await keyward.authenticate({ 'x-api-key': key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a') })).ok, false);
assert.equal(store.calls.findByHash, 1);
await keyward.close();
console.log('esm smoke ok');
