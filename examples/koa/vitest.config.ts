import { defineProject } from 'vitest/config';

// The tests boot `node server.js` as a child process, which runs the BUILT packages (`pnpm build`).
export default defineProject({
  test: { name: 'example-koa', include: ['test/**/*.test.js'], environment: 'node', testTimeout: 120_000, hookTimeout: 30_000 },
});
