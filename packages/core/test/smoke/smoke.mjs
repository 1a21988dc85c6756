// Runtime smoke test of the built ES module entry points (run by .ci/run after the build).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
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

// The telemetry entry works with no OpenTelemetry SDK registered (the API's no-op providers).
const { openTelemetry } = await import('@keyward/core/telemetry');
const traced = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], pepper: 'p'.repeat(32), telemetry: openTelemetry() });
const minted = await traced.keys.create({ ownerId: 'u', nickname: 'traced' });
assert.equal((await traced.authenticate({ 'x-api-key': minted.key })).ok, true);
await traced.close();
// Only that entry imports @opentelemetry/api (an optional peer): no other file of dist names it.
const dist = new URL('../../dist/', import.meta.url);
for (const file of readdirSync(dist).filter((name) => /\.c?js$/.test(name) && !name.startsWith('telemetry.'))) {
  assert.ok(!readFileSync(new URL(file, dist), 'utf8').includes('@opentelemetry/'), `${file} imports @opentelemetry`);
}
console.log('esm smoke ok');
