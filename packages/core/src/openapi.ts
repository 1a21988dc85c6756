/**
 * OpenAPI 3.1 for APIs protected by keyward: the security schemes (`X-API-Key`, Bearer), the
 * failure responses (401/403/429/503 with an example of every code, rendered by keyward itself),
 * the management API's paths, and a merge into the document your app already has. Fastify users
 * get the per-route `security` from `@keyward/fastify`'s `openApiTransform` for `@fastify/swagger`.
 *
 * @example
 * ```ts
 * import { mergeOpenApi } from '@keyward/core/openapi';
 * app.get('/openapi.json', (_req, res) => res.json(mergeOpenApi(myDocument, { operations: { 'POST /v1/run': { scopes: ['agents:run'] } } })));
 * ```
 *
 * @module
 */
export { createOpenApiComponents } from './openapi/components.js';
export type { OpenApiComponentOptions, OpenApiComponents, OpenApiObject } from './openapi/components.js';
export { createManagementPaths, failureResponses, mergeOpenApi, securityRequirement } from './openapi/document.js';
export type { MergeOpenApiOptions, ProtectedOperation } from './openapi/document.js';
