import { defineConfig } from 'tsup';
import type { Options } from 'tsup';

const common: Options = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
};

export default defineConfig([
  // The library entries, ESM + CJS, with shared chunks: `.`, `./adapter` and `./store` re-export
  // one copy of each class (one KeywardError, one KeywardConfigError).
  { ...common, entry: { index: 'src/index.ts', adapter: 'src/adapter.ts', store: 'src/store.ts', openapi: 'src/openapi.ts', telemetry: 'src/telemetry.ts' }, format: ['esm', 'cjs'] },
  // The test suites import vitest (ESM only) and @keyward/core as an external package, so at run
  // time there is one copy of core: the one the application under test loads.
  { ...common, entry: { testing: 'src/testing/index.ts' }, format: ['esm'], external: ['vitest', /^@keyward\/core(\/.*)?$/] },
]);
