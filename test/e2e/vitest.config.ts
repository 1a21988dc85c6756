import { defineProject } from 'vitest/config';
import { keywardAliases } from '../../vitest.shared.js';

// The reference apps (examples/*) run as child processes (`node server.js`) on the BUILT packages:
// `pnpm test` builds first. Unit tests of their reference-app.js, and the test helpers, run here.
// groupOrder 1: after the packages' projects (group 0), so that the child processes, PGlite and the
// npm installs of the copied examples do not compete with the packages' timed property tests.
export default defineProject({
  resolve: { alias: keywardAliases },
  test: {
    name: 'e2e',
    sequence: { groupOrder: 1 },
    include: ['**/*.test.js'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
