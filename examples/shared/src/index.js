/**
 * What the three reference apps (SPEC §6) share: configuration from the environment, store
 * selection, the keyward set-up, seeded registries, the runs repository, body validation, error
 * bodies, the safe request log, the demo banner and graceful shutdown.
 *
 * @example
 * import { runExample, nodeServer } from '@keyward/example-shared';
 * await runExample('express', ({ keyward, runs, logRequest }) => nodeServer(buildApp({ keyward, runs, logRequest })));
 *
 * @module
 */
export { DEMO_PEPPER, parseStore, readConfig } from './config.js';
export {
  INTERNAL_ERROR,
  INVALID_JSON,
  REGISTRY_NOT_FOUND,
  ROUTE_NOT_FOUND,
  RUN_NOT_FOUND,
  createRunsRepository,
  errorBody,
  findRegistry,
  parseRunInput,
  readJsonBody,
  registryAccess,
} from './data.js';
export { demoInstructions } from './demo.js';
export { createRequestLogger, formatRequestLog, principalLabel, safePath } from './request-log.js';
export { ALLOWED_SCOPES, PREFIXES, createExampleKeyward, nodeServer, runExample } from './setup.js';
export { openStore } from './stores.js';
export { signManagementToken } from './tokens.js';
