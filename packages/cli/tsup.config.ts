import { defineConfig } from 'tsup';
import { libraryOptions } from '../../tsup.shared.js';

export default defineConfig([
  // The library part (`run`, `keyPattern`), ESM + CJS like every keyward package.
  libraryOptions(),
  // The `keyward` binary: ESM only, its shebang kept by esbuild.
  { entry: { bin: 'src/bin.ts' }, format: ['esm'], dts: false, sourcemap: true, target: 'node20', treeshake: true },
]);
