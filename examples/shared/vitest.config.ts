import { defineProject } from 'vitest/config';
import { keywardAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: keywardAliases },
  test: { name: 'example-shared', include: ["test/**/*.test.js"], environment: "node", testTimeout: 60_000, hookTimeout: 30_000 },
});
