import { defineProject } from 'vitest/config';
import { keywardAliases } from '../../vitest.shared.js';

// The tests run the built binary (`node dist/bin.js`) as a child process: `pnpm test` builds first.
export default defineProject({
  resolve: { alias: keywardAliases },
  test: { name: 'cli', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
});
