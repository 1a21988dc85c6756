import { defineProject } from 'vitest/config';
import { keywardAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: keywardAliases },
  test: { name: 'postgres', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], environment: 'node' },
});
