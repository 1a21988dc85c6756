import { defineProject } from 'vitest/config';

// Unit tests of the element's browser-free helpers; the element itself is tested in a real
// browser by test/e2e/ui-page.test.js.
export default defineProject({
  test: { name: 'ui', include: ['src/**/*.test.ts'], environment: 'node' },
});
