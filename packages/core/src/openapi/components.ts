import type { ResponseOptions } from '../http/responses.js';
import { FAILURE_CODES, sampleResponses } from './failures.js';

/**
 * An OpenAPI 3.1 object: JSON values keyed by name. Typed loosely on purpose, so that what keyward
 * builds drops into whichever OpenAPI types your app or tooling uses (`openapi-types`,
 * `@fastify/swagger`, ...) without a dependency on them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenApiObject = { [name: string]: any };

/** The `components` keyward contributes to an OpenAPI 3.1 document. */
export interface OpenApiComponents {
  readonly securitySchemes: OpenApiObject;
  readonly schemas: OpenApiObject;
  readonly responses: OpenApiObject;
  readonly headers: OpenApiObject;
}

/** Names of the security schemes keyward defines. */
export const SCHEMES = { apiKey: 'apiKey', bearer: 'bearer', management: 'managementToken' } as const;

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The response components keyward answers with, by status: `#/components/responses/<name>`. */
export const FAILURE_RESPONSES: Readonly<Record<number, string>> = {
  401: 'KeywardUnauthorized',
  403: 'KeywardForbidden',
  429: 'KeywardTooManyRequests',
  503: 'KeywardUnavailable',
};

const HEADERS: OpenApiObject = {
  KeywardWwwAuthenticate: {
    description: 'RFC 6750 challenge: `Bearer realm="…"`, with `error="invalid_token"` when a credential was presented, or `error="insufficient_scope", scope="…"` on a scope 403.',
    schema: { type: 'string' },
  },
  KeywardRetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
  KeywardRateLimit: {
    description: 'Remaining quota of the limit that applies (draft-ietf-httpapi-ratelimit-headers-11): `"<name>";r=<remaining>;t=<seconds to reset>`.',
    schema: { type: 'string' },
  },
  KeywardRateLimitPolicy: {
    description: 'The limit that applies (draft-ietf-httpapi-ratelimit-headers-11): `"<name>";q=<quota>;w=<window seconds>`.',
    schema: { type: 'string' },
  },
  KeywardCacheControl: { description: 'Always `no-store`.', schema: { type: 'string', const: 'no-store' } },
};

const HEADERS_BY_STATUS: Readonly<Record<number, readonly string[]>> = {
  401: ['KeywardWwwAuthenticate', 'KeywardCacheControl'],
  403: ['KeywardWwwAuthenticate', 'KeywardCacheControl'],
  429: ['KeywardRetryAfter', 'KeywardRateLimit', 'KeywardRateLimitPolicy', 'KeywardCacheControl'],
  503: ['KeywardRetryAfter', 'KeywardCacheControl'],
};

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  401: 'No usable credential: missing, malformed, invalid, expired or revoked API key, or an invalid token.',
  403: 'Authenticated, but the key lacks a required scope or belongs to another organization.',
  429: 'The key (or its organization) has used its rate limit or quota; retry after `Retry-After` seconds.',
  503: 'Authentication is temporarily unavailable (the key store failed or timed out); retry after `Retry-After` seconds.',
};

function failureSchema(problemDetails: boolean): OpenApiObject {
  const properties: OpenApiObject = {
    status: { type: 'integer', enum: [401, 403, 429, 503] },
    error: { type: 'string', description: 'Short title of the status.' },
    code: { type: 'string', enum: FAILURE_CODES, description: 'Stable machine-readable reason.' },
    message: { type: 'string', description: 'Human-readable explanation; never contains key material.' },
    required: {
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description: '`insufficient_scope` only: the scope the route requires, or the list when several.',
    },
    provided: { type: 'array', items: { type: 'string' }, description: '`insufficient_scope` only: the scopes the key has.' },
  };
  if (problemDetails) {
    properties.type = { type: 'string', description: 'RFC 9457 problem type URI.' };
    properties.title = { type: 'string' };
    properties.detail = { type: 'string' };
  }
  return { type: 'object', required: ['status', 'error', 'code', 'message'], properties, additionalProperties: true };
}

/** Options of {@link createOpenApiComponents}. */
export interface OpenApiComponentOptions {
  /**
   * The `responses` options your keyward instance uses (realm, problem details, messages), so the
   * documented bodies and headers are exactly the ones it sends. Default: keyward's defaults.
   */
  readonly responses?: ResponseOptions;
}

/**
 * The OpenAPI 3.1 components of keyward: the `X-API-Key` (apiKey) and `bearer` (http) security
 * schemes, the management token scheme, the failure body schema, one response per failure status
 * (401/403/429/503) with an example of every code and its headers, and the management API's
 * schemas. Examples are rendered by keyward's own responder, so they are what clients receive.
 *
 * @example
 * ```ts
 * import { createOpenApiComponents } from '@keyward/core/openapi';
 * const document = { openapi: '3.1.0', info: { title: 'My API', version: '1' }, paths: {}, components: createOpenApiComponents() };
 * ```
 */
export function createOpenApiComponents(options: OpenApiComponentOptions = {}): OpenApiComponents {
  const problemDetails = options.responses?.problemDetails !== undefined && options.responses.problemDetails !== false;
  const contentType = problemDetails ? 'application/problem+json' : 'application/json';
  const responses: OpenApiObject = {};
  for (const [status, samples] of sampleResponses(options.responses)) {
    const name = FAILURE_RESPONSES[status]!;
    const headers: OpenApiObject = {};
    for (const header of HEADERS_BY_STATUS[status] ?? []) headers[headerName(header)] = ref('headers', header);
    const examples: OpenApiObject = {};
    for (const { code, response } of samples) examples[code] = { summary: code, value: response.body };
    responses[name] = { description: DESCRIPTIONS[status], headers, content: { [contentType]: { schema: ref('schemas', 'KeywardFailure'), examples } } };
  }
  return {
    securitySchemes: {
      [SCHEMES.apiKey]: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key. Takes precedence over `Authorization` when both are sent.' },
      [SCHEMES.bearer]: { type: 'http', scheme: 'bearer', description: 'An API key sent as `Authorization: Bearer <key>`.' },
      [SCHEMES.management]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A management token (JWT). API keys are refused on these routes. An app that signs its users in itself (the `authenticate` option, e.g. a session cookie) declares that scheme in its own document; such requests need `X-Keyward-CSRF` on POST, PATCH, PUT and DELETE.' },
    },
    schemas: { KeywardFailure: failureSchema(problemDetails), ...MANAGEMENT_SCHEMAS },
    responses,
    headers: HEADERS,
  };
}

/** `KeywardRetryAfter` → `Retry-After`. */
function headerName(component: string): string {
  return ({ KeywardWwwAuthenticate: 'WWW-Authenticate', KeywardRetryAfter: 'Retry-After', KeywardRateLimit: 'RateLimit', KeywardRateLimitPolicy: 'RateLimit-Policy', KeywardCacheControl: 'Cache-Control' } as Record<string, string>)[component]!;
}

const dateTime = (nullable: boolean) => (nullable ? { type: ['string', 'null'], format: 'date-time' } : { type: 'string', format: 'date-time' });
const scopes = { type: 'array', items: { type: 'string' } };

const MANAGEMENT_SCHEMAS: OpenApiObject = {
  KeywardApiKey: {
    type: 'object',
    description: 'An API key as listed: never the key itself or its hash.',
    required: ['id', 'nickname', 'scopes', 'start', 'expiresAt', 'lastUsedAt', 'createdAt', 'updatedAt', 'createdBy'],
    properties: {
      id: { type: 'string', examples: ['key_3bXq9WmT2rKf8sLp0aZc4yVn'] },
      nickname: { type: 'string' },
      scopes,
      start: { type: 'string', description: 'Display hint: the prefix and the first 4 characters of the secret.', examples: ['eck_live_Jhw2'] },
      expiresAt: dateTime(true),
      lastUsedAt: dateTime(true),
      createdAt: dateTime(false),
      updatedAt: dateTime(false),
      createdBy: { type: 'string', description: 'The account that owns the key (its `ownerId`): what tells an organization admin whose key it is.' },
    },
  },
  KeywardCreatedApiKey: {
    type: 'object',
    description: 'A new key. `key` is shown this once and never again.',
    required: ['id', 'nickname', 'key', 'scopes', 'expiresAt', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string' },
      nickname: { type: 'string' },
      key: { type: 'string', description: 'The API key. Store it now: it cannot be shown again.' },
      scopes,
      expiresAt: dateTime(true),
      createdAt: dateTime(false),
      updatedAt: dateTime(false),
    },
  },
  KeywardApiKeyList: {
    type: 'object',
    required: ['apiKeys'],
    properties: {
      apiKeys: { type: 'array', items: ref('schemas', 'KeywardApiKey') },
      nextCursor: { type: ['string', 'null'], description: 'With `?limit=` or `?cursor=` only: the cursor of the next page, `null` at the end.' },
    },
  },
  KeywardCreateApiKey: {
    type: 'object',
    required: ['nickname'],
    properties: { nickname: { type: 'string', minLength: 1 }, scopes, expiresAt: dateTime(true) },
  },
  KeywardUpdateApiKey: {
    type: 'object',
    description: 'The fields to change; the others keep their values.',
    properties: { nickname: { type: 'string', minLength: 1 }, scopes, expiresAt: dateTime(true), metadata: { type: 'object' } },
    additionalProperties: false,
  },
  KeywardRotateApiKey: {
    type: 'object',
    properties: { gracePeriodSeconds: { type: 'integer', minimum: 0, description: 'How long the old key keeps working. Default 0.' } },
  },
  KeywardManagementCaller: {
    type: 'object',
    description: 'The caller of the management routes, from its token or the app\'s session.',
    required: ['ownerId', 'orgId', 'roles', 'admin', 'scopes', 'csrfHeader'],
    properties: {
      ownerId: { type: 'string' },
      orgId: { type: ['string', 'null'] },
      roles: { type: 'array', items: { type: 'string' } },
      admin: { type: 'boolean', description: 'An organization admin: lists and manages every key of its organization.' },
      scopes: {
        type: 'array',
        description: 'The scopes this caller may put on a key, with their descriptions (`scopeDescriptions`).',
        items: { type: 'object', required: ['name', 'description'], properties: { name: { type: 'string' }, description: { type: ['string', 'null'] } } },
      },
      csrfHeader: { type: 'string', const: 'x-keyward-csrf', description: 'The header a browser sends (any non-empty value) on every POST, PATCH, PUT and DELETE of a session caller.' },
    },
  },
  KeywardManagementError: {
    type: 'object',
    required: ['status', 'error', 'code', 'message'],
    properties: {
      status: { type: 'integer' },
      error: { type: 'string' },
      code: { type: 'string', description: 'e.g. `nickname_conflict`, `invalid_scope`, `not_found`, `not_owner`, `store_unavailable`, `invalid_json`, `body_too_large`, `forbidden_scope`, `csrf_failed`.' },
      message: { type: 'string' },
      field: { type: 'string', description: 'The offending field, when one is to blame.' },
    },
  },
};
