import { defineProject } from 'vitest/config';
import { keywardAliases, keywardCss } from '../../vitest.shared.js';

export default defineProject({
  // The suites of ./testing import `@keyward/core` as a package: resolve it to this source, so that
  // they and core's own tests share one copy of every module.
  resolve: { alias: keywardAliases },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    css: keywardCss,
    // Property tests run thousands of cases; on a loaded 2-core machine that can pass 5 s.
    testTimeout: 30_000,
  },
});
