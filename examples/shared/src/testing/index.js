/**
 * Test helpers of the reference apps: boot one as a child process, walk the SPEC §6 table against
 * it, and check that its output never shows a key or a token. Test files only (imports vitest).
 *
 * @example
 * import { startExampleProcess, walkReferenceApp, expectNoSecrets } from '@keyward/example-shared/testing';
 * const app = await startExampleProcess(new URL('./', import.meta.url), { KEYWARD_JWT_SECRET: secret });
 * expectNoSecrets(app.output(), (await walkReferenceApp(app.url, { jwtSecret: secret })).secrets);
 *
 * @module
 */
export { startExampleProcess } from './process.js';
export { createClient } from './http.js';
export { DATABASE_URL, REDIS_URL, reachableServices } from './services.js';
export { createKey, expectNoSecrets, walkReferenceApp } from './walk.js';
export { walkManagementErrors, walkRegistries, walkRotationAndRevocation } from './walk-parts.js';
export { describeReferenceApp } from './suite.js';
