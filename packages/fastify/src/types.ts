import type { Keyward, ManagementOptions, Principal, ScopeMode } from '@keyward/core/adapter';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

/** Per-route settings, given as route `config`. */
export interface KeywardRouteConfig {
  /** `false`: no API-key auth on this route; `'optional'`: `request.auth` is `null` without a credential. Default: the plugin's mode. */
  auth?: false | 'optional' | 'required';
  /** Scopes the caller needs (checked in `onRequest`, before the body is parsed). */
  scopes?: readonly string[];
  /** `'all'` of `scopes` (default) or `'any'` one of them. */
  scopeMode?: ScopeMode;
  /** Units a request to this route spends from the caller's rate limits and quotas (default 1). Counted once, in `onRequest`. */
  cost?: number;
}

/** Options of the default export (`app.register(keywardPlugin, { keyward })`). */
export interface KeywardPluginOptions {
  /** The instance from `createKeyward`. */
  keyward: Keyward;
  /** Routes without `config.auth` are optional (anonymous allowed) instead of required. Default false. */
  optional?: boolean;
}

/** Options of {@link apiKeyManagement} (`app.register(apiKeyManagement, { keyward, prefix })`); `authenticate` receives the Fastify `request`. */
export interface ApiKeyManagementOptions extends ManagementOptions<FastifyRequest> {
  keyward: Keyward;
  /** Fastify's own register option: where the routes live, e.g. `/auth/api-keys`. */
  prefix?: string;
}

/** The organization a resource belongs to: fixed, or read from the request. */
export type OrganizationSource = string | ((request: FastifyRequest) => string | null | undefined);

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller: a {@link Principal}, or `null` when anonymous or on a route with `config.auth: false`. */
    auth: Principal | null;
  }
  interface FastifyContextConfig extends KeywardRouteConfig {}
  interface FastifyInstance {
    /** A preHandler that requires all of `scopes` (403 `insufficient_scope`, 401 when anonymous). */
    requireScopes(...scopes: string[]): preHandlerAsyncHookHandler;
    /** A preHandler that requires all (`mode: 'all'`, default) or any of `scopes`. */
    requireScopes(scopes: readonly string[], options?: { readonly mode?: ScopeMode }): preHandlerAsyncHookHandler;
    /** A preHandler that requires the caller's organization (403 `forbidden_organization`, 401 when anonymous). */
    requireOrganization(orgId: OrganizationSource): preHandlerAsyncHookHandler;
  }
}
