import { defineProject } from 'vitest/config';
import { keywardAliases } from '../../vitest.shared.js';

// Unit tests of the shared code run on the sources; the start-up, outage and two-instance tests
// boot the example servers as child processes, which run the BUILT packages (`pnpm build`).
export default defineProject({
  resolve: { alias: keywardAliases },
  test: { name: 'example-shared', include: ['test/**/*.test.js'], environment: 'node', testTimeout: 60_000, hookTimeout: 30_000 },
});
