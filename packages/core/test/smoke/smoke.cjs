// Runtime smoke test of the built CommonJS entry points (run by .ci/run after the build):
// require() of every subpath but ESM-only ./testing, one key minted and verified, one class identity across subpaths.
const assert = require('node:assert/strict');
const core = require('@keyward/core');
const adapter = require('@keyward/core/adapter');
const store = require('@keyward/core/store');

(async () => {
  // One copy of each class across the entries: an error thrown by an adapter is the app's KeywardConfigError.
  assert.equal(core.KeywardConfigError, adapter.KeywardConfigError);
  assert.equal(core.KeywardError, store.KeywardError);
  assert.ok(new core.KeyManagerError('not_found', 'x') instanceof core.KeywardError);
  // Internal modules are not reachable.
  assert.throws(() => require('@keyward/core/dist/index.cjs'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  // @keyward/core/testing is ESM-only (it imports vitest): it must not resolve for require().
  assert.throws(() => require('@keyward/core/testing'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  const keyward = core.createKeyward({ store: new core.MemoryKeyStore(), prefixes: ['eck_live_'], pepper: 'p'.repeat(32) });
  const { key } = await keyward.keys.create({ ownerId: 'u', nickname: 'smoke', scopes: ['a:b'] });
  assert.equal((await keyward.authenticate({ authorization: `Bearer ${key}` })).ok, true);
  await keyward.close();
  // The optional OpenTelemetry entry loads through require() too.
  const { openTelemetry } = require('@keyward/core/telemetry');
  const traced = core.createKeyward({ store: new core.MemoryKeyStore(), prefixes: ['eck_live_'], pepper: 'p'.repeat(32), telemetry: openTelemetry() });
  assert.equal((await traced.authenticate({ 'x-api-key': (await traced.keys.create({ ownerId: 'u', nickname: 't' })).key })).ok, true);
  await traced.close();
  console.log('cjs smoke ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
