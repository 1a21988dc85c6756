import { defineConfig } from 'tsup';

// One self-contained browser ESM file with Lit bundled in (no bare imports left for a page to
// resolve), plus its .d.ts. No source map: the page's CSP serves only the .js and .css.
export default defineConfig({
  entry: { 'keyward-api-keys': 'src/keyward-api-keys.ts' },
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  // Lit is bundled, so its types are too: the .d.ts must not import a package users do not install.
  dts: { resolve: true },
  minify: true,
  sourcemap: false,
  treeshake: true,
  splitting: false,
  noExternal: [/.*/],
});
