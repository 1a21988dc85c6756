import { fileURLToPath } from 'node:url';

const source = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/**
 * Test-time aliases: every `@keyward/*` import resolves to the package's source, so `pnpm test`
 * runs on a fresh clone without a build and all packages share one instance of each module.
 * Example servers started as child processes use the built packages instead.
 */
export const keywardAliases = [
  { find: /^@keyward\/core$/, replacement: source('core/src/index.ts') },
  { find: /^@keyward\/core\/adapter$/, replacement: source('core/src/adapter.ts') },
  { find: /^@keyward\/core\/store$/, replacement: source('core/src/store.ts') },
  { find: /^@keyward\/core\/openapi$/, replacement: source('core/src/openapi.ts') },
  { find: /^@keyward\/core\/telemetry$/, replacement: source('core/src/telemetry.ts') },
  { find: /^@keyward\/core\/testing$/, replacement: source('core/src/testing/index.ts') },
  ...['express', 'fastify', 'koa', 'postgres', 'redis'].map((name) => ({
    find: new RegExp(`^@keyward/${name}$`),
    replacement: source(`${name}/src/index.ts`),
  })),
];

/**
 * Vitest empties every CSS import unless told otherwise; core imports the page's style sheet as
 * text (`?raw`, packages/core/src/management/ui-assets.ts), which must keep its content.
 */
export const keywardCss = { include: [/keyward-api-keys\.css/] };
