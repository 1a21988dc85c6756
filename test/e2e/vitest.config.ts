import { defineProject } from 'vitest/config';
import { keywardAliases } from '../../vitest.shared.js';

// The reference apps (examples/*) run as child processes (`node server.js`) on the BUILT packages:
// `pnpm test` builds first. Unit tests of their reference-app.js, and the test helpers, run here.
export default defineProject({
  resolve: { alias: keywardAliases },
  test: { name: 'e2e', include: ['**/*.test.js'], environment: 'node', testTimeout: 120_000, hookTimeout: 60_000 },
});
