import { defineProject } from 'vitest/config';
import { keywardAliases, keywardCss } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: keywardAliases },
  test: { name: 'fastify', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], environment: 'node', css: keywardCss },
});
