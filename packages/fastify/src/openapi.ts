import type { FastifySchema, RouteOptions } from 'fastify';
import { mergeOpenApi, securityRequirement } from '@keyward/core/openapi';
import type { MergeOpenApiOptions, OpenApiObject, ProtectedOperation } from '@keyward/core/openapi';

/** How the keyward plugin protects each route, recorded by its `onRoute` hook for the OpenAPI transform. */
const protectedRoutes = new WeakMap<object, { readonly optional: boolean; readonly scopes: readonly string[] }>();

/** Called by the plugin's `onRoute` hook for every route it authenticates. @internal */
export function recordProtectedRoute(route: object, optional: boolean, scopes: readonly string[] | undefined): void {
  protectedRoutes.set(route, { optional, scopes: scopes ?? [] });
}

/** What `@fastify/swagger` hands its `transform` option, and what it expects back. */
export interface SwaggerTransformInput {
  readonly schema: FastifySchema;
  readonly url: string;
  readonly route: RouteOptions;
}
type SwaggerTransformResult = { schema: FastifySchema; url: string };

/**
 * A `transform` for `@fastify/swagger`: every route the keyward plugin authenticates gets its OpenAPI
 * `security` requirement, `X-API-Key` or Bearer with the route's `config.scopes` (and `{}` when
 * auth is optional). Pass your own transform as `then` to chain it.
 *
 * @example
 * ```ts
 * const { securitySchemes } = createOpenApiComponents(); // from @keyward/core/openapi: @fastify/swagger reads them per route
 * await app.register(swagger, { openapi: { openapi: '3.1.0', info, components: { securitySchemes } }, transform: openApiTransform(), transformObject: openApiTransformObject() });
 * ```
 */
export function openApiTransform(then?: (input: SwaggerTransformInput) => SwaggerTransformResult): (input: SwaggerTransformInput) => SwaggerTransformResult {
  return (input) => {
    const result = then === undefined ? { schema: input.schema, url: input.url } : then(input);
    const route = protectedRoutes.get(input.route);
    if (route === undefined) return result;
    // A route declared without a schema is still documented: its schema is just the security.
    const security = securityRequirement(route.scopes, { optional: route.optional });
    return { ...result, schema: { ...(result.schema ?? {}), security } as FastifySchema };
  };
}

/**
 * A `transformObject` for `@fastify/swagger`: merges keyward's components (security schemes,
 * failure responses with examples, management schemas) into the generated document and adds the
 * 401/403/503 (and 429 with `rateLimited`) responses to every operation {@link openApiTransform}
 * marked. Options as for `mergeOpenApi` of `@keyward/core/openapi`, without `operations`.
 *
 * @example
 * ```ts
 * await app.register(swagger, { openapi: { openapi: '3.1.0', info }, transform: openApiTransform(), transformObject: openApiTransformObject({ managementPath: '/auth/api-keys' }) });
 * ```
 */
export function openApiTransformObject(options: Omit<MergeOpenApiOptions, 'operations'> = {}) {
  // The result is typed loosely so that it fits @fastify/swagger's transformObject without its types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (documentObject: { readonly openapiObject?: object; readonly swaggerObject?: object }): Record<string, any> => {
    const document = (documentObject.openapiObject ?? documentObject.swaggerObject) as unknown as OpenApiObject;
    const operations: Record<string, ProtectedOperation> = {};
    for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, { security?: OpenApiObject[] }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const security = operation?.security;
        const scheme = security?.find((requirement) => Object.hasOwn(requirement, 'apiKey'));
        if (scheme === undefined) continue;
        operations[`${method.toUpperCase()} ${path}`] = { scopes: scheme.apiKey as string[], optional: security!.some((r) => Object.keys(r).length === 0) };
      }
    }
    return mergeOpenApi(document, { ...options, operations });
  };
}
