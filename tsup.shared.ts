import type { Options } from 'tsup';

/**
 * The build of every keyward package except core (which has two entry groups): one `src/index.ts`,
 * ESM + CJS + `.d.ts`. Dependencies and peers stay external (tsup's default).
 */
export function libraryOptions(overrides: Options = {}): Options {
  return {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    treeshake: true,
    ...overrides,
  };
}
