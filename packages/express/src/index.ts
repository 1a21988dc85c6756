/**
 * Express 5 (and 4) adapter of keyward: API-key middleware, scope and organization guards, and
 * the JWT-protected management routes. Every decision is made by `@keyward/core`; this file only
 * translates Express requests and responses.
 *
 * @example
 * ```ts
 * import { apiKeyAuth, apiKeyManagement, requireScopes } from '@keyward/express';
 * app.use('/auth/api-keys', apiKeyManagement(keyward));
 * app.use('/v1', apiKeyAuth(keyward));
 * app.post('/v1/run', requireScopes('agents:run'), (req, res) => res.json({ org: req.auth?.orgId }));
 * ```
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { KeywardConfigError, assertKeyward, checkCost, checkOptions, createManagementApi, createOrganizationGuard, createScopeGuard, nodeRequestHeaders } from '@keyward/core/adapter';
import type { AuthFailure, Keyward, ManagementOptions, Principal, RateLimitResult, ScopeGuardArguments, ScopeMode } from '@keyward/core/adapter';

declare global {
  // Express's own augmentation point (as @types/express-serve-static-core documents it).
  namespace Express {
    interface Request {
      /**
       * The caller, set by `apiKeyAuth`: a {@link Principal}, or `null` in optional mode when the
       * request carried no credential. `undefined` on routes that `apiKeyAuth` does not cover.
       */
      auth?: Principal | null;
    }
  }
}

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** Let requests with no credential through with `req.auth = null` (a bad credential is still a 401). Default false. */
  readonly optional?: boolean;
  /**
   * Units a request spends from the caller's rate limits and quotas (default 1), or a function of
   * the request. A request is charged once: a later `apiKeyAuth` or {@link rateLimit} on the same
   * request only tops it up to its own cost.
   */
  readonly cost?: number | ((req: Request) => number);
}

/** Options of {@link rateLimit}. */
export interface RateLimitGuardOptions {
  /** Units this route spends (a whole number ≥ 0). */
  readonly cost: number;
}

/** Options of {@link apiKeyManagement}: the management options; `authenticate` receives the Express `req`. */
export type ApiKeyManagementOptions = ManagementOptions<Request>;

/**
 * The organization a resource belongs to: fixed, or read from the request. Anything but a
 * non-empty string from the function (e.g. a `string[]` route param) is refused with 403.
 */
export type OrganizationSource = string | ((req: Request) => string | readonly string[] | null | undefined);

// Which keyward authenticated a request, so that the guards answer with the same responder.
// A symbol-keyed property, not a WeakMap: a WeakMap entry per short-lived request object costs
// the garbage collector about 0.7 µs a request (measured in bench/, see RESULTS.md findings).
const INSTANCE = Symbol('keyward.instance');
// The request's rate-limit decision, so that it is counted once whatever number of guards run.
const LIMIT = Symbol('keyward.limit');
type Tagged = Request & { [INSTANCE]?: Keyward; [LIMIT]?: RateLimitResult };

function send(res: Response, answer: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly json: string; readonly text?: string }): void {
  res.status(answer.status).set(answer.headers).end(answer.text ?? answer.json);
}

function guard(name: string, check: (req: Request) => AuthFailure | null): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const keyward = (req as Tagged)[INSTANCE];
    if (keyward === undefined) return next(new KeywardConfigError(`${name} needs apiKeyAuth(keyward) to run before it on this route`));
    const failure = check(req);
    if (failure === null) return next();
    send(res, keyward.respond(failure, { principal: req.auth, headers: req.headers }));
  };
}

/**
 * Authenticate every request it covers from `X-API-Key` or `Authorization: Bearer`, and set
 * `req.auth`. A failure is answered at once (401/503, the JSON body and headers of docs/http-contract.md).
 *
 * @example
 * ```ts
 * app.use(apiKeyAuth(keyward));                                     // every route below needs a key
 * app.get('/registries/:slug', apiKeyAuth(keyward, { optional: true }), handler); // req.auth may be null
 * ```
 */
export function apiKeyAuth(keyward: Keyward, options?: ApiKeyAuthOptions): RequestHandler {
  assertKeyward('apiKeyAuth', keyward);
  const { optional = false, cost = 1 } = checkOptions('apiKeyAuth', options, { optional: true, cost: true });
  if (typeof cost !== 'function') checkCost('apiKeyAuth', cost);
  return (req: Request, res: Response, next: NextFunction) => {
    // Every Authorization line, not only the first that req.headers keeps: two are refused.
    const headers = nodeRequestHeaders(req);
    const pending = optional ? keyward.authenticate(headers, { optional: true }) : keyward.authenticate(headers);
    pending.then((result) => {
      if (!result.ok) return send(res, keyward.respond(result.failure));
      req.auth = result.principal;
      (req as Tagged)[INSTANCE] = keyward;
      charge(keyward, req, res, next, typeof cost === 'function' ? cost(req) : cost);
    }, next);
  };
}

/** The request's one rate-limit decision (or its top-up): 429 when refused, else its headers and `next()`. */
function charge(keyward: Keyward, req: Request, res: Response, next: NextFunction, cost: number): void {
  const done = (limited: RateLimitResult) => {
    (req as Tagged)[LIMIT] = limited;
    if (!limited.ok) return send(res, keyward.respond(limited.failure));
    for (const name in limited.headers) res.setHeader(name, limited.headers[name]!);
    next();
  };
  try {
    const limited = keyward.limit(req.auth ?? null, { cost, previous: (req as Tagged)[LIMIT] });
    if (limited instanceof Promise) limited.then(done, next);
    else done(limited);
  } catch (error) {
    next(error);
  }
}

/**
 * Make a route cost more than the default 1 from the caller's rate limits and quotas, when
 * {@link apiKeyAuth} runs for many routes at once. The request is still counted once: this only
 * tops it up to `cost`. Place after `apiKeyAuth`.
 *
 * @example
 * ```ts
 * app.use('/v1', apiKeyAuth(keyward));
 * app.post('/v1/reports', rateLimit({ cost: 10 }), handler);
 * ```
 */
export function rateLimit(options: RateLimitGuardOptions): RequestHandler {
  const { cost } = checkOptions('rateLimit', options, { cost: true });
  checkCost('rateLimit', cost ?? 1);
  return (req: Request, res: Response, next: NextFunction) => {
    const keyward = (req as Tagged)[INSTANCE];
    if (keyward === undefined) return next(new KeywardConfigError('rateLimit needs apiKeyAuth(keyward) to run before it on this route'));
    charge(keyward, req, res, next, cost ?? 1);
  };
}

/**
 * Require scopes of the caller: all of them (`requireScopes('a', 'b')`), or one of a list
 * (`requireScopes(['a', 'b'], { mode: 'any' })`). 403 `insufficient_scope` when missing, 401 when
 * the request is anonymous. Place after {@link apiKeyAuth}. Bad scopes throw at start-up.
 *
 * @example
 * ```ts
 * app.post('/v1/run', requireScopes('agents:run'), handler);
 * app.get('/triage', requireScopes(['triage:read', 'triage:write'], { mode: 'any' }), handler);
 * ```
 */
export function requireScopes(...scopes: string[]): RequestHandler;
export function requireScopes(scopes: readonly string[], options?: { readonly mode?: ScopeMode }): RequestHandler;
export function requireScopes(...args: ScopeGuardArguments): RequestHandler {
  const check = createScopeGuard(...args);
  return guard('requireScopes', (req) => check(req.auth));
}

/**
 * Require the caller to belong to an organization: fixed, or read from the request. 403
 * `forbidden_organization` otherwise, 401 when anonymous. Place after {@link apiKeyAuth}.
 *
 * @example
 * ```ts
 * app.get('/orgs/:org/runs', requireOrganization((req) => req.params.org), handler);
 * ```
 */
export function requireOrganization(orgId: OrganizationSource): RequestHandler {
  const check = createOrganizationGuard(orgId as string | ((req: Request) => string | undefined));
  return guard('requireOrganization', (req) => check(req.auth, req));
}

/**
 * The management routes (docs/management-api.md): `POST /`, `GET /`, `GET /me`, `GET|PATCH|DELETE /:id`,
 * `POST /:id/rotate` below wherever it is mounted, for a Bearer JWT or the `authenticate` option's
 * session user (given `req`). Reads the JSON body itself unless a body parser
 * already did. Other paths fall through to the next handler. Mount it before a global `apiKeyAuth`.
 *
 * @example
 * ```ts
 * app.use('/auth/api-keys', apiKeyManagement(keyward));
 * ```
 */
export function apiKeyManagement(keyward: Keyward, options?: ApiKeyManagementOptions): RequestHandler {
  assertKeyward('apiKeyManagement', keyward);
  const api = createManagementApi(keyward, options);
  return (req: Request, res: Response, next: NextFunction) => {
    // A body parser that ran has drained the stream: use its result, else read the stream.
    const body: unknown = req.readableEnded ? req.body : req;
    api.handle({ method: req.method, path: req.url, headers: nodeRequestHeaders(req), body, raw: req }).then((answer) => (answer === null ? next() : send(res, answer)), next);
  };
}

export { apiKeyLeakReports } from './leak-reports.js';
export type { LeakReportOptions, LeakedKey } from '@keyward/core/adapter';
