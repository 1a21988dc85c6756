/**
 * Koa 3 (and 2) adapter of keyward: API-key middleware, scope and organization guards, and the
 * JWT-protected management routes. Every decision is made by `@keyward/core`; this file only
 * translates Koa contexts.
 *
 * @example
 * ```ts
 * import { apiKeyAuth, apiKeyManagement, requireScopes } from '@keyward/koa';
 * app.use(apiKeyManagement(keyward, { prefix: '/auth/api-keys' }));
 * app.use(apiKeyAuth(keyward));
 * app.use(requireScopes('agents:run'));
 * ```
 *
 * @module
 */
import type { Context, Middleware, Next } from 'koa';
import { KeywardConfigError, MANAGEMENT_OPTION_NAMES, assertKeyward, checkCost, checkOptions, createManagementApi, createOrganizationGuard, createScopeGuard, nodeRequestHeaders } from '@keyward/core/adapter';
import type { AuthFailure, Keyward, ManagementOptions, Principal, RateLimitResult, ScopeGuardArguments, ScopeMode } from '@keyward/core/adapter';

/** What keyward puts in `ctx.state`; use it to type an app: `new Koa<KeywardState>()`. */
export interface KeywardState {
  /** The caller: a {@link Principal}, or `null` in optional mode when no credential was sent. */
  auth: Principal | null;
}

declare module 'koa' {
  interface DefaultState {
    /** Set by `apiKeyAuth`: the caller, `null` when anonymous (optional mode), `undefined` where it did not run. */
    auth?: Principal | null;
  }
}

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** Let requests with no credential through with `ctx.state.auth = null` (a bad credential is still a 401). Default false. */
  readonly optional?: boolean;
  /**
   * Units a request spends from the caller's rate limits and quotas (default 1), or a function of
   * the context. A request is charged once: a later `apiKeyAuth` or {@link rateLimit} on the same
   * request only tops it up to its own cost.
   */
  readonly cost?: number | ((ctx: Context) => number);
}

/** Options of {@link rateLimit}. */
export interface RateLimitGuardOptions {
  /** Units this route spends (a whole number ≥ 0). */
  readonly cost: number;
}

/** Options of {@link apiKeyManagement}: the management options (`authenticate` receives the Koa `ctx`), and `prefix`. */
export interface ApiKeyManagementOptions extends ManagementOptions<Context> {
  /** Where the routes live, e.g. `/auth/api-keys`. Default `''`: the path as Koa sees it (behind koa-mount). */
  readonly prefix?: string;
}

/** The organization a resource belongs to: fixed, or read from the context. */
export type OrganizationSource = string | ((ctx: Context) => string | null | undefined);

// Which keyward authenticated a request, so that the guards answer with the same responder.
// A symbol-keyed property, not a WeakMap: a WeakMap entry per short-lived request object costs
// the garbage collector about 0.7 µs a request (measured in bench/, see RESULTS.md findings).
const INSTANCE = Symbol('keyward.instance');
// The request's rate-limit decision, so that it is counted once whatever number of guards run.
const LIMIT = Symbol('keyward.limit');
type Tagged = Context & { [INSTANCE]?: Keyward; [LIMIT]?: RateLimitResult };

function send(ctx: Context, answer: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly json: string; readonly text?: string }): void {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.text ?? answer.json;
}

function guard(name: string, check: (ctx: Context) => AuthFailure | null): Middleware {
  return async (ctx: Context, next: Next) => {
    const keyward = (ctx as Tagged)[INSTANCE];
    if (keyward === undefined) throw new KeywardConfigError(`${name} needs apiKeyAuth(keyward) to run before it`);
    const failure = check(ctx);
    if (failure === null) return next();
    send(ctx, keyward.respond(failure, { principal: ctx.state.auth, headers: ctx.headers }));
  };
}

/**
 * Authenticate from `X-API-Key` or `Authorization: Bearer` and set `ctx.state.auth`. A failure is
 * answered at once (401/503, the JSON body and headers of docs/http-contract.md) and later middleware does not run.
 *
 * @example
 * ```ts
 * app.use(apiKeyAuth(keyward));                       // every later middleware needs a key
 * router.get('/registries/:slug', apiKeyAuth(keyward, { optional: true }), handler);
 * ```
 */
export function apiKeyAuth(keyward: Keyward, options?: ApiKeyAuthOptions): Middleware {
  assertKeyward('apiKeyAuth', keyward);
  const { optional = false, cost = 1 } = checkOptions('apiKeyAuth', options, { optional: true, cost: true });
  if (typeof cost !== 'function') checkCost('apiKeyAuth', cost);
  return async (ctx: Context, next: Next) => {
    // Every Authorization line, not only the first that ctx.headers keeps: two are refused.
    const headers = nodeRequestHeaders(ctx.req);
    const result = optional ? await keyward.authenticate(headers, { optional: true }) : await keyward.authenticate(headers);
    if (!result.ok) return send(ctx, keyward.respond(result.failure));
    ctx.state.auth = result.principal;
    (ctx as Tagged)[INSTANCE] = keyward;
    if (await charge(keyward, ctx, typeof cost === 'function' ? cost(ctx) : cost)) await next();
  };
}

/** The request's one rate-limit decision (or its top-up): false after answering 429, else true with its headers set. */
async function charge(keyward: Keyward, ctx: Context, cost: number): Promise<boolean> {
  const pending = keyward.limit(ctx.state.auth ?? null, { cost, previous: (ctx as Tagged)[LIMIT] });
  const limited = pending instanceof Promise ? await pending : pending; // decided locally: no extra turn
  (ctx as Tagged)[LIMIT] = limited;
  if (!limited.ok) {
    send(ctx, keyward.respond(limited.failure));
    return false;
  }
  for (const name in limited.headers) ctx.set(name, limited.headers[name]!);
  return true;
}

/**
 * Make a route cost more than the default 1 from the caller's rate limits and quotas, when
 * {@link apiKeyAuth} runs for many routes at once. The request is still counted once: this only
 * tops it up to `cost`. Place after `apiKeyAuth`.
 *
 * @example
 * ```ts
 * app.use(apiKeyAuth(keyward));
 * router.post('/v1/reports', rateLimit({ cost: 10 }), handler);
 * ```
 */
export function rateLimit(options: RateLimitGuardOptions): Middleware {
  const { cost = 1 } = checkOptions('rateLimit', options, { cost: true });
  checkCost('rateLimit', cost);
  return async (ctx: Context, next: Next) => {
    const keyward = (ctx as Tagged)[INSTANCE];
    if (keyward === undefined) throw new KeywardConfigError('rateLimit needs apiKeyAuth(keyward) to run before it');
    if (await charge(keyward, ctx, cost)) await next();
  };
}

/**
 * Require scopes of the caller: all of them (`requireScopes('a', 'b')`), or one of a list
 * (`requireScopes(['a', 'b'], { mode: 'any' })`). 403 `insufficient_scope` when missing, 401 when
 * anonymous. Place after {@link apiKeyAuth}. Bad scopes throw at start-up.
 *
 * @example
 * ```ts
 * router.post('/v1/run', requireScopes('agents:run'), handler);
 * ```
 */
export function requireScopes(...scopes: string[]): Middleware;
export function requireScopes(scopes: readonly string[], options?: { readonly mode?: ScopeMode }): Middleware;
export function requireScopes(...args: ScopeGuardArguments): Middleware {
  const check = createScopeGuard(...args);
  return guard('requireScopes', (ctx) => check(ctx.state.auth));
}

/**
 * Require the caller to belong to an organization: fixed, or read from the context. 403
 * `forbidden_organization` otherwise, 401 when anonymous. Place after {@link apiKeyAuth}.
 *
 * @example
 * ```ts
 * router.get('/orgs/:org/runs', requireOrganization((ctx) => ctx.params.org), handler);
 * ```
 */
export function requireOrganization(orgId: OrganizationSource): Middleware {
  const check = createOrganizationGuard(orgId);
  return guard('requireOrganization', (ctx) => check(ctx.state.auth, ctx));
}

/**
 * The management routes (docs/management-api.md): `POST`, `GET` on `prefix`, `GET prefix/me`,
 * `GET|PATCH|DELETE prefix/:id`, `POST prefix/:id/rotate`, for a Bearer JWT or the `authenticate`
 * option's session user (given `ctx`). Reads the JSON body itself unless a body parser already did; other
 * paths go on to the next middleware. Register it before a global `apiKeyAuth`.
 *
 * @example
 * ```ts
 * app.use(apiKeyManagement(keyward, { prefix: '/auth/api-keys' }));
 * ```
 */
export function apiKeyManagement(keyward: Keyward, options?: ApiKeyManagementOptions): Middleware {
  assertKeyward('apiKeyManagement', keyward);
  const { prefix: rawPrefix = '', ...rest } = checkOptions('apiKeyManagement', options, { prefix: true, ...MANAGEMENT_OPTION_NAMES });
  if (typeof rawPrefix !== 'string' || (rawPrefix !== '' && !rawPrefix.startsWith('/'))) {
    throw new KeywardConfigError('apiKeyManagement: "prefix" must be a path starting with "/"');
  }
  const prefix = rawPrefix.replace(/\/+$/, '');
  const api = createManagementApi(keyward, rest);
  return async (ctx: Context, next: Next) => {
    const path = ctx.path;
    if (prefix !== '' && path !== prefix && !path.startsWith(`${prefix}/`)) return next();
    // A body parser that ran has drained the stream: use its result, else read the stream.
    const body: unknown = ctx.req.readableEnded ? (ctx.request as { body?: unknown }).body : ctx.req;
    const answer = await api.handle({ method: ctx.method, path: (path.slice(prefix.length) || '/') + ctx.search, headers: nodeRequestHeaders(ctx.req), body, raw: ctx });
    if (answer === null) return next();
    send(ctx, answer);
  };
}

export { apiKeyLeakReports } from './leak-reports.js';
export type { LeakReportOptions, LeakedKey } from '@keyward/core/adapter';
