import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// `import text from '<module>?raw'` (src/management/ui-assets.ts): the module's file text, as
// Vite does it for vitest. Resolved from core's own devDependencies, so the built
// <keyward-api-keys> element (@keyward/ui, built first: pnpm -r builds in dependency order) is
// copied into core's dist and `ui: true` needs nothing else installed.
const rawText: Plugin = {
  name: 'raw-text',
  setup(build) {
    const require = createRequire(import.meta.url);
    // The path keeps its `?raw`, so that tsup's own `.css` handling does not claim the style sheet.
    build.onResolve({ filter: /\?raw$/ }, (args) => ({ path: `${require.resolve(args.path.slice(0, -'?raw'.length))}?raw`, namespace: 'raw-text' }));
    build.onLoad({ filter: /\?raw$/, namespace: 'raw-text' }, async (args) => ({ contents: await readFile(args.path.slice(0, -'?raw'.length), 'utf8'), loader: 'text' }));
  },
};

const common: Options = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  esbuildPlugins: [rawText],
};

export default defineConfig([
  // The library entries, ESM + CJS, with shared chunks: `.`, `./adapter` and `./store` re-export
  // one copy of each class (one KeywardError, one KeywardConfigError).
  { ...common, entry: { index: 'src/index.ts', adapter: 'src/adapter.ts', store: 'src/store.ts', openapi: 'src/openapi.ts', telemetry: 'src/telemetry.ts' }, format: ['esm', 'cjs'] },
  // The test suites import vitest (ESM only) and @keyward/core as an external package, so at run
  // time there is one copy of core: the one the application under test loads.
  { ...common, entry: { testing: 'src/testing/index.ts' }, format: ['esm'], external: ['vitest', /^@keyward\/core(\/.*)?$/] },
]);
