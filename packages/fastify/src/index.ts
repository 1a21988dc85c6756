/**
 * Fastify 5 adapter of keyward: a plugin that authenticates every route in `onRequest` (before the
 * body is parsed), route-level scopes, guard decorators, and the JWT-protected management routes.
 * Every decision is made by `@keyward/core`; this file only translates.
 *
 * @example
 * ```ts
 * import keywardPlugin, { apiKeyManagement } from '@keyward/fastify';
 * await app.register(keywardPlugin, { keyward });
 * await app.register(apiKeyManagement, { keyward, prefix: '/auth/api-keys' });
 * app.post('/v1/run', { config: { scopes: ['agents:run'] } }, async (request) => ({ org: request.auth?.orgId }));
 * ```
 *
 * @module
 */
import { KeywardConfigError, MANAGEMENT_OPTION_NAMES, assertKeyward, checkCost, checkOptions, createManagementApi, createOrganizationGuard, createScopeGuard, nodeRequestHeaders } from '@keyward/core/adapter';
import type { AuthFailure, ManagementAuthResult, ManagementOptions, OptionNames, ScopeGuard, ScopeGuardArguments } from '@keyward/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyManagementOptions, KeywardPluginOptions, KeywardRouteConfig, OrganizationSource } from './types.js';
import { recordProtectedRoute } from './openapi.js';

export type { ApiKeyManagementOptions, KeywardPluginOptions, KeywardRouteConfig, OrganizationSource } from './types.js';
export { openApiTransform, openApiTransformObject } from './openapi.js';
export type { SwaggerTransformInput } from './openapi.js';

// Fastify's own register options, which reach the plugin with ours.
// Fastify hands its own registration options to the plugin function along with ours.
const REGISTER_OPTIONS = { prefix: true, logLevel: true, logSerializers: true } as const;
const PLUGIN_OPTIONS: OptionNames<KeywardPluginOptions> = { keyward: true, optional: true };
const MANAGEMENT_OPTIONS: OptionNames<ApiKeyManagementOptions> = { keyward: true, prefix: true, ...MANAGEMENT_OPTION_NAMES };

type Answer = { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly json: string; readonly text?: string };
const send = (reply: FastifyReply, answer: Answer) => reply.code(answer.status).headers(answer.headers).send(answer.text ?? answer.json);

function routeGuard(config: KeywardRouteConfig, url: string): ScopeGuard | null {
  if (![undefined, false, 'optional', 'required'].includes(config.auth)) {
    throw new KeywardConfigError(`route ${url}: config.auth must be false, "optional" or "required"`);
  }
  checkCost(`route ${url}: config`, config.cost);
  if (config.scopes === undefined) {
    if (config.scopeMode !== undefined) throw new KeywardConfigError(`route ${url}: config.scopeMode needs config.scopes`);
    return null;
  }
  if (config.auth === false) throw new KeywardConfigError(`route ${url}: config.scopes needs API-key auth (config.auth is false)`);
  return createScopeGuard([...config.scopes], config.scopeMode === undefined ? {} : { mode: config.scopeMode });
}

const plugin: FastifyPluginAsync<KeywardPluginOptions> = async (app, options) => {
  const { keyward, optional = false } = checkOptions('@keyward/fastify', options, { ...PLUGIN_OPTIONS, ...REGISTER_OPTIONS });
  assertKeyward('@keyward/fastify', keyward);
  // The request goes with the failure, so that a guard's refusal is reported with its caller and request id.
  const fail = (reply: FastifyReply, failure: AuthFailure | null) =>
    failure === null ? undefined : send(reply, keyward.respond(failure, { principal: reply.request.auth, headers: reply.request.headers }));

  // Compiled scope guards per route config; routes added before the plugin are compiled on first use.
  const guards = new WeakMap<object, ScopeGuard | null>();
  const guardOf = (config: KeywardRouteConfig, url: string) => {
    let guard = guards.get(config);
    if (guard === undefined) guards.set(config, (guard = routeGuard(config, url)));
    return guard;
  };

  app.decorateRequest('auth', null);
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as KeywardRouteConfig;
    routeGuard(config, route.url); // bad scopes fail at start-up
    const mode = config.auth ?? (optional ? 'optional' : 'required');
    if (mode !== false) recordProtectedRoute(route, mode === 'optional', config.scopes);
  });
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions; // a getter that builds an object: read it once per request
    const config = route.config as KeywardRouteConfig;
    const mode = config.auth ?? (optional ? 'optional' : 'required');
    if (mode === false || request.is404) return;
    // Every Authorization line, not only the first that request.headers keeps: two are refused.
    const headers = nodeRequestHeaders(request.raw);
    const result = mode === 'optional' ? await keyward.authenticate(headers, { optional: true }) : await keyward.authenticate(headers);
    if (!result.ok) return fail(reply, result.failure);
    request.auth = result.principal;
    const guard = guardOf(config, route.url ?? ''); // compiles (and checks) the route's config once
    // The request's one rate-limit decision, before the scope check: refused requests count too.
    const pending = keyward.limit(result.principal, { cost: config.cost ?? 1 });
    const limited = pending instanceof Promise ? await pending : pending; // decided locally: no extra turn
    if (!limited.ok) return fail(reply, limited.failure);
    for (const name in limited.headers) reply.header(name, limited.headers[name]);
    return fail(reply, guard?.(result.principal) ?? null);
  });
  app.decorate('requireScopes', (...args: ScopeGuardArguments) => {
    const check = createScopeGuard(...args);
    return async (request: FastifyRequest, reply: FastifyReply) => fail(reply, check(request.auth));
  });
  app.decorate('requireOrganization', (orgId: OrganizationSource) => {
    const check = createOrganizationGuard(orgId);
    return async (request: FastifyRequest, reply: FastifyReply) => fail(reply, check(request.auth, request));
  });
};

/**
 * The keyward plugin: authenticates every route in `onRequest` from `X-API-Key` or
 * `Authorization: Bearer` and sets `request.auth`; route `config` sets `auth`
 * (`false` | `'optional'` | `'required'`), `scopes`, `scopeMode` and `cost` (rate-limit units, default 1); decorates the instance with
 * `requireScopes(...)` and `requireOrganization(...)` preHandlers. Unknown routes (404) are not
 * authenticated.
 *
 * @example
 * ```ts
 * await app.register(keywardPlugin, { keyward });
 * app.get('/triage', { config: { scopes: ['triage:read', 'triage:write'], scopeMode: 'any' } }, handler);
 * app.get('/orgs/:org', { preHandler: app.requireOrganization((req) => (req.params as { org: string }).org) }, handler);
 * ```
 */
export const keywardPlugin = fp(plugin, { fastify: '5.x', name: '@keyward/fastify' });
export default keywardPlugin;

/**
 * The management routes (docs/management-api.md) under the register `prefix`: `POST /`, `GET /`, `GET /me`,
 * `GET|PATCH|DELETE /:id`, `POST /:id/rotate`. They skip API-key auth, authenticate the caller in `onRequest`
 * (the `authenticate` option's session user, given the Fastify `request`, else the Bearer JWT),
 * so a refused request's body is never read, and let core read bodies whatever their content
 * type, so that bad JSON is keyward's 400 and an oversized body keyward's 413.
 *
 * @example
 * ```ts
 * await app.register(apiKeyManagement, { keyward, prefix: '/auth/api-keys' });
 * ```
 */
export const apiKeyManagement: FastifyPluginAsync<ApiKeyManagementOptions> = async (app, options) => {
  const checked = checkOptions('apiKeyManagement', options, { ...MANAGEMENT_OPTIONS, ...REGISTER_OPTIONS });
  const { keyward } = checked;
  assertKeyward('apiKeyManagement', keyward);
  // Core's options only: not `keyward`, nor Fastify's register options (prefix, logLevel, ...).
  const management = Object.fromEntries(Object.entries(checked).filter(([name]) => Object.hasOwn(MANAGEMENT_OPTION_NAMES, name)));
  const api = createManagementApi<FastifyRequest>(keyward, management as ManagementOptions<FastifyRequest>);
  const callers = new WeakMap<FastifyRequest, Extract<ManagementAuthResult, { ok: true }>>();

  // Hand the request stream to the management API: it reads it after the JWT is verified, stops
  // at its limit (413, connection closed) and answers bad JSON with its own 400, whatever the type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  const pathOf = (request: FastifyRequest) => {
    const query = request.url.indexOf('?');
    return `/${(request.params as { '*'?: string })['*'] ?? ''}${query === -1 ? '' : request.url.slice(query)}`;
  };
  app.addHook('onRequest', async (request, reply) => {
    if (api.isPublic(request.method, pathOf(request))) return;
    const auth = await api.authenticate(nodeRequestHeaders(request.raw), request);
    if (!auth.ok) return send(reply, auth.response);
    callers.set(request, auth);
  });
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await api.handle({ method: request.method, path: pathOf(request), headers: nodeRequestHeaders(request.raw), body: request.body, raw: request, ...authenticated(callers.get(request)) });
    return answer === null ? reply.callNotFound() : send(reply, answer);
  };
  for (const url of ['/', '/*']) app.route({ method: ['GET', 'POST', 'PATCH', 'DELETE'], url, config: { auth: false }, handler });
};

const authenticated = (auth: Extract<ManagementAuthResult, { ok: true }> | undefined) => (auth === undefined ? {} : { principal: auth.principal, caller: auth.caller });

export { apiKeyLeakReports } from './leak-reports.js';
export type { ApiKeyLeakReportOptions } from './leak-reports.js';
export type { LeakReportOptions, LeakedKey } from '@keyward/core/adapter';
