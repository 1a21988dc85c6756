import { isDeepStrictEqual } from 'node:util';
import { KeywardConfigError } from '../errors.js';
import type { ResponseOptions } from '../http/responses.js';
import type { OptionNames } from '../options.js';
import { checkOptions } from '../options.js';
import { isValidScope } from '../verify/scopes.js';
import type { OpenApiComponents, OpenApiObject } from './components.js';
import { FAILURE_RESPONSES, SCHEMES, createOpenApiComponents } from './components.js';
import { auditPaths } from './audit-paths.js';

/** How a documented operation is protected by keyward. */
export interface ProtectedOperation {
  /** Scopes the route requires (all of them, or any with `mode: 'any'`: documented the same way). */
  readonly scopes?: readonly string[];
  /** Anonymous requests are let through (a bad credential is still a 401). Default false. */
  readonly optional?: boolean;
  /** The route is rate limited: document the 429. Default: the merge option `rateLimited`. */
  readonly rateLimited?: boolean;
}

/**
 * The OpenAPI security requirement of a keyward-protected operation: the API key in `X-API-Key`
 * or as a Bearer token, each with the route's scopes (OAS 3.1 allows scopes on any scheme), plus
 * `{}` (no credential) when authentication is optional.
 *
 * @example
 * ```ts
 * operation.security = securityRequirement(['agents:run']); // [{ apiKey: ['agents:run'] }, { bearer: ['agents:run'] }]
 * ```
 */
export function securityRequirement(scopes: readonly string[] = [], options: { readonly optional?: boolean } = {}): OpenApiObject[] {
  const list = [...scopes];
  const requirement: OpenApiObject[] = [{ [SCHEMES.apiKey]: list }, { [SCHEMES.bearer]: [...list] }];
  return options.optional === true ? [{}, ...requirement] : requirement;
}

/** The failure responses of a protected operation, as `$ref`s to keyward's components. */
export function failureResponses(operation: ProtectedOperation = {}): OpenApiObject {
  const responses: OpenApiObject = { 401: ref('responses', FAILURE_RESPONSES[401]!) };
  if ((operation.scopes?.length ?? 0) > 0) responses[403] = ref('responses', FAILURE_RESPONSES[403]!);
  if (operation.rateLimited === true) responses[429] = ref('responses', FAILURE_RESPONSES[429]!);
  responses[503] = ref('responses', FAILURE_RESPONSES[503]!);
  return responses;
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: string) => ({ 'application/json': { schema: ref('schemas', schema) } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: MANAGEMENT_ERRORS[status], content: json('KeywardManagementError') }]));
const MANAGEMENT_ERRORS: Readonly<Record<number, string>> = {
  400: 'The body is not valid JSON.',
  401: 'No valid management token (or session), or the key is outside the caller\'s reach: another account\'s key for a member, another organization\'s for an admin.',
  403: '`csrf_failed`: a session caller\'s state-changing request without `X-Keyward-CSRF`, or from another site or origin (Bearer tokens are never checked); `forbidden_scope`: the caller may not grant a requested scope.',
  404: 'No such key (or it is already revoked or expired).',
  409: 'The caller already has a live key with this nickname.',
  413: 'The body is too large.',
  422: 'A field is invalid: unknown scope, past expiry, bad nickname.',
  503: 'The key store (or the app\'s session lookup) is unavailable; retry later.',
};
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/**
 * The management API's paths (create, list, show, update, revoke, rotate, `GET /me`) below
 * `mountPath`, protected by the management token scheme. Callers the app signs in itself (the
 * `authenticate` option, e.g. a session cookie) are the app's own scheme: declare it (an `apiKey`
 * scheme `in: cookie`) and add it to these operations' `security` in your document.
 *
 * @example
 * ```ts
 * const paths = createManagementPaths('/auth/api-keys');
 * ```
 */
export function createManagementPaths(mountPath: string): OpenApiObject {
  if (typeof mountPath !== 'string' || !mountPath.startsWith('/')) throw new KeywardConfigError(`managementPath must be a path starting with "/", got ${JSON.stringify(mountPath)}`);
  const base = mountPath.replace(/\/+$/, '');
  const security = [{ [SCHEMES.management]: [] }];
  const created = { description: 'The new key, shown once (`Cache-Control: no-store`).', content: json('KeywardCreatedApiKey') };
  return {
    [base === '' ? '/' : base]: {
      post: {
        operationId: 'keywardCreateApiKey', summary: 'Create an API key', tags: ['API keys'], security,
        requestBody: { required: true, content: json('KeywardCreateApiKey') },
        responses: { 201: created, ...errors(400, 401, 403, 409, 413, 422, 503) },
      },
      get: {
        operationId: 'keywardListApiKeys', summary: "List the caller's live API keys (an organization admin: every key of its organization)", tags: ['API keys'], security,
        parameters: [
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 }, description: 'Page size (default 20); pages the list.' },
          { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'The `nextCursor` of the previous page.' },
        ],
        responses: { 200: { description: 'The keys, never their values or hashes.', content: json('KeywardApiKeyList') }, ...errors(401, 422, 503) },
      },
    },
    [`${base}/{id}`]: {
      get: {
        operationId: 'keywardGetApiKey', summary: 'Show one API key', tags: ['API keys'], security, parameters: [idParameter],
        responses: { 200: { description: 'The key, never its value or hash.', content: json('KeywardApiKey') }, ...errors(401, 404, 503) },
      },
      patch: {
        operationId: 'keywardUpdateApiKey', summary: 'Change an API key (nickname, scopes, expiry, metadata)', tags: ['API keys'], security, parameters: [idParameter],
        requestBody: { required: true, content: json('KeywardUpdateApiKey') },
        responses: { 200: { description: 'The updated key; every instance drops its cached copy.', content: json('KeywardApiKey') }, ...errors(400, 401, 403, 404, 409, 413, 422, 503) },
      },
      delete: {
        operationId: 'keywardRevokeApiKey', summary: 'Revoke an API key (immediate and final)', tags: ['API keys'], security, parameters: [idParameter],
        responses: {
          200: { description: 'Revoked.', content: { 'application/json': { schema: { type: 'object', properties: { message: { type: 'string', const: 'API key deleted successfully' } } } } } },
          ...errors(401, 403, 404, 503),
        },
      },
    },
    [`${base}/me`]: {
      get: {
        operationId: 'keywardGetManagementCaller', summary: 'Who the caller is, whether it is an organization admin, and the scopes it may grant', tags: ['API keys'], security,
        responses: { 200: { description: 'The caller (`Cache-Control: no-store`).', content: json('KeywardManagementCaller') }, ...errors(401, 503) },
      },
    },
    [`${base}/{id}/rotate`]: {
      post: {
        operationId: 'keywardRotateApiKey', summary: 'Replace an API key by a new one', tags: ['API keys'], security, parameters: [idParameter],
        requestBody: { required: false, content: json('KeywardRotateApiKey') },
        responses: { 201: created, ...errors(400, 401, 403, 404, 413, 422, 503) },
      },
    },
    ...auditPaths(base, security),
  };
}

/** Options of {@link mergeOpenApi}. */
export interface MergeOpenApiOptions {
  /** Operations keyward protects, keyed `"<METHOD> <path>"` as in the document: `{ 'POST /v1/run': { scopes: ['agents:run'] } }`. */
  readonly operations?: Readonly<Record<string, ProtectedOperation>>;
  /** Add the management API's paths below this mount path, e.g. `/auth/api-keys`. */
  readonly managementPath?: string;
  /** Document the 429 on every protected operation (when rate limits are configured). Default false. */
  readonly rateLimited?: boolean;
  /** Your keyward `responses` options, so examples match what it sends. */
  readonly responses?: ResponseOptions;
}

const MERGE_OPTIONS: OptionNames<MergeOpenApiOptions> = { operations: true, managementPath: true, rateLimited: true, responses: true };
const OPERATION_OPTIONS: OptionNames<ProtectedOperation> = { scopes: true, optional: true, rateLimited: true };
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Merge keyward into an OpenAPI 3.1 document your app already has (Express, Koa, or any server):
 * its components, the management paths when asked, and on each protected operation its `security`
 * requirement and failure responses. Returns a new document; the one given is not changed. A
 * component that both define differently, or a path both define, is an error rather than a silent
 * overwrite (merging twice is harmless).
 *
 * @example
 * ```ts
 * import { mergeOpenApi } from '@keyward/core/openapi';
 * const spec = mergeOpenApi(myDocument, {
 *   operations: { 'POST /v1/run': { scopes: ['agents:run'] }, 'GET /v1/registries/{slug}': { optional: true } },
 *   managementPath: '/auth/api-keys',
 * });
 * ```
 */
export function mergeOpenApi<D extends OpenApiObject>(document: D, options: MergeOpenApiOptions = {}): D {
  const o = checkOptions('mergeOpenApi', options, MERGE_OPTIONS);
  if (typeof document !== 'object' || document === null || typeof document.openapi !== 'string' || !document.openapi.startsWith('3.1')) {
    throw new KeywardConfigError('mergeOpenApi: the document must be an OpenAPI 3.1 object ({ openapi: "3.1.x", ... })');
  }
  const result = structuredClone(document) as OpenApiObject;
  const components = (result.components ??= {}) as Record<string, OpenApiObject>;
  const ours: OpenApiComponents = createOpenApiComponents({ ...(o.responses === undefined ? {} : { responses: o.responses }) });
  for (const [kind, entries] of Object.entries(ours) as [string, OpenApiObject][]) {
    const target = (components[kind] ??= {});
    for (const [name, value] of Object.entries(entries)) {
      // Merging twice (or a document that already took keyward's schemes) is harmless; a different one is an error.
      if (Object.hasOwn(target, name) && !isDeepStrictEqual(target[name], value)) {
        throw new KeywardConfigError(`mergeOpenApi: components.${kind}.${name} already exists in the document`);
      }
      target[name] = value;
    }
  }
  const paths = (result.paths ??= {}) as Record<string, OpenApiObject>;
  if (o.managementPath !== undefined) {
    for (const [path, item] of Object.entries(createManagementPaths(o.managementPath))) {
      if (Object.hasOwn(paths, path)) throw new KeywardConfigError(`mergeOpenApi: the document already has the path ${path}`);
      paths[path] = item as OpenApiObject;
    }
  }
  for (const [key, operation] of Object.entries(o.operations ?? {})) {
    const match = /^([A-Za-z]+) (\/\S*)$/.exec(key);
    const method = match?.[1]!.toLowerCase();
    if (match === null || !METHODS.has(method!)) throw new KeywardConfigError(`mergeOpenApi: "operations" keys are "<METHOD> <path>", got ${JSON.stringify(key)}`);
    const checked = checkOptions('mergeOpenApi', operation, OPERATION_OPTIONS, `operations["${key}"].`);
    for (const scope of checked.scopes ?? []) {
      if (!isValidScope(scope)) throw new KeywardConfigError(`mergeOpenApi: operations["${key}"].scopes: ${JSON.stringify(scope)} is not a valid scope`);
    }
    const target = (paths[match[2]!] as Record<string, OpenApiObject> | undefined)?.[method!];
    if (target === undefined) throw new KeywardConfigError(`mergeOpenApi: the document has no operation ${key}`);
    target.security = securityRequirement(checked.scopes, { optional: checked.optional === true });
    const responses = (target.responses ??= {}) as OpenApiObject;
    const failures = failureResponses({ ...checked, rateLimited: checked.rateLimited ?? o.rateLimited === true });
    for (const [status, response] of Object.entries(failures)) responses[status] ??= response;
  }
  return result as D;
}
