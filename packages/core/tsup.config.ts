import { defineConfig } from 'tsup';
import type { Options } from 'tsup';

const common: Options = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  external: ['vitest'],
};

export default defineConfig([
  // The library: ESM + CJS, with shared chunks so both subpaths see one KeyManagerError class.
  { ...common, entry: { index: 'src/index.ts', errors: 'src/errors.ts' }, format: ['esm', 'cjs'] },
  // Test helpers import vitest, which is ESM-only: this entry ships as ESM alone.
  { ...common, entry: { testing: 'src/testing/index.ts' }, format: ['esm'] },
]);
