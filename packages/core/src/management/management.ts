import type { HeaderInput } from '../verify/credentials.js';
import { KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionNames } from '../options.js';
import type { Keyward } from '../keyward.js';
import type { Principal } from '../verify/principal.js';
import { callerResolver } from './caller.js';
import type { CallerOutcome } from './caller.js';
import { managementContextOf } from './context.js';
import { csrfProblem } from './csrf.js';
import { checkScopeDescriptions } from './me.js';
import type { ManagementAuthenticate, ManagementClaims, ManagementPrincipal } from './principal.js';
import { checkClaims, policyPrincipal } from './principal.js';
import type { ManagementResponse } from './responses.js';
import { problemOf, problemResponse } from './responses.js';
import { matchRoute } from './routes.js';
import { compileScopePolicy } from './scope-policy.js';
import type { ScopePolicyOption } from './scope-policy.js';
import { serveRoute } from './serve.js';
import { compileUi } from './ui.js';
import type { ManagementUiOption } from './ui.js';

export type { ManagementResponse } from './responses.js';
export type { ManagementAuthenticate, ManagementClaims, ManagementPrincipal, SessionPrincipal } from './principal.js';

/** A management request as an adapter sees it. */
export interface ManagementRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** The path below the mount point: `/`, `/me`, `/:id` or `/:id/rotate` (with its query string: `GET /?limit=&cursor=` pages). */
  readonly path: string;
  readonly headers: HeaderInput;
  /**
   * The body: already parsed (an object), raw (a string or bytes), the request stream itself
   * (anything async-iterable, read only after authentication), or `undefined` for none.
   */
  readonly body?: unknown;
  /** The framework request (Express `req`, Fastify `request`, Koa `ctx`), handed to the `authenticate` option. */
  readonly raw?: unknown;
  /** A principal from {@link ManagementApi.authenticate}, when the adapter authenticated earlier. */
  readonly principal?: Principal;
  /** The management caller from {@link ManagementApi.authenticate}, when the adapter authenticated earlier (pass it with `principal`). */
  readonly caller?: ManagementPrincipal;
}

/** Options of {@link createManagementApi}; `R` is the framework request `authenticate` receives. */
export interface ManagementOptions<R = unknown> {
  /** Largest request body read, in bytes (default 64 KiB); larger is a 413 and the rest is not read. */
  readonly bodyLimitBytes?: number;
  /**
   * Which scopes a caller may grant to a key it creates: `'caller'` (only scopes its own token
   * holds, in its `scope`/`scp` claim) or a function `(caller, requestedScopes, management) => boolean | string[]`.
   * Required unless `keys.allowedScopes` is configured on the keyward instance.
   */
  readonly scopePolicy?: ScopePolicyOption;
  /**
   * Recognise a signed-in user from the framework request (e.g. a cookie session): return
   * `{ ownerId, orgId?, roles?, scopes? }`, or `null` to fall back to the Bearer JWT. Such session
   * callers must send `X-Keyward-CSRF` on POST/PATCH/PUT/DELETE (403 `csrf_failed` otherwise).
   */
  readonly authenticate?: ManagementAuthenticate<R>;
  /** JWT claims naming the owner (default `sub`), organization (default `jwt.orgClaim`) and roles (default `roles`). */
  readonly claims?: ManagementClaims;
  /** The role that makes a caller with an organization an organization admin (default `'admin'`). */
  readonly adminRole?: string;
  /** Human descriptions of scopes, shown by `GET /me` (and the page). */
  readonly scopeDescriptions?: Readonly<Record<string, string>>;
  /**
   * Serve the Settings → API Keys page (docs/ui.md) at `<mount>/ui/` and its script and style
   * sheet below it, with a strict Content-Security-Policy. `{ title }` names the page (default
   * "API keys"). Loading the page needs no authentication (it holds no data); its calls do.
   */
  readonly ui?: ManagementUiOption;
}

const OPTION_NAMES: OptionNames<ManagementOptions> = {
  bodyLimitBytes: true, scopePolicy: true, authenticate: true, claims: true, adminRole: true, scopeDescriptions: true, ui: true,
};

/** The names of {@link ManagementOptions}, for adapters that add their own options to the allow-list. */
export const MANAGEMENT_OPTION_NAMES: OptionNames<ManagementOptions> = Object.freeze({ ...OPTION_NAMES });

/** The answer of {@link ManagementApi.authenticate}. */
export type ManagementAuthResult =
  | { readonly ok: true; readonly principal: Principal; readonly caller: ManagementPrincipal }
  | { readonly ok: false; readonly response: ManagementResponse };

/** The management routes of docs/management-api.md, framework-free. */
export interface ManagementApi {
  /**
   * Serve one request: `POST /` create, `GET /` list, `GET /me`, `GET /audit` (org admins), `GET /:id` show, `PATCH /:id` update, `DELETE /:id` revoke, `POST /:id/rotate`.
   * Resolves to `null` when the method and path are not a management route (the adapter passes
   * the request on). Never rejects.
   */
  handle(request: ManagementRequest): Promise<ManagementResponse | null>;
  /**
   * Authenticate a management caller: the `authenticate` option with `raw` (the framework
   * request), else a Bearer JWT (API keys are refused with 401).
   */
  authenticate(headers: HeaderInput, raw?: unknown): Promise<ManagementAuthResult>;
  /** Whether `method path` needs no authentication (the page and its assets of option `ui`): adapters that authenticate before `handle` skip it. */
  isPublic(method: string, path: string): boolean;
  /** The body limit in force (the option, or its 64 KiB default), for adapters whose framework reads the body itself. */
  readonly bodyLimitBytes: number;
}

/**
 * Build the framework-free management API on a keyward instance. Adapters only translate a request
 * into {@link ManagementRequest} and send the {@link ManagementResponse}; every decision (who the
 * caller is, member or organization admin, the cross-site check of session callers, scope policy,
 * status codes, bodies) is made here. Throws `KeywardConfigError` when neither `scopePolicy` nor
 * `keys.allowedScopes` says which scopes callers may grant, or an option is malformed.
 *
 * @example
 * ```ts
 * const api = createManagementApi(keyward, { scopePolicy: 'caller', authenticate: (req: IncomingMessage) => sessionUser(req) });
 * const res = await api.handle({ method: req.method, path: '/', headers: nodeRequestHeaders(req), body: req, raw: req });
 * if (res) response.writeHead(res.status, res.headers).end(res.json);
 * ```
 */
export function createManagementApi<R = unknown>(keyward: Keyward, options?: ManagementOptions<R>): ManagementApi {
  const context = typeof keyward === 'object' && keyward !== null ? managementContextOf(keyward) : undefined;
  if (context === undefined) throw new KeywardConfigError('apiKeyManagement: expected a keyward instance from createKeyward(...)');
  const checked = checkOptions('apiKeyManagement', options as ManagementOptions | undefined, OPTION_NAMES);
  const { bodyLimitBytes = 65_536, scopePolicy, authenticate, adminRole = 'admin' } = checked;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 2 || bodyLimitBytes > 16_777_216) {
    throw new KeywardConfigError('apiKeyManagement: "bodyLimitBytes" must be a whole number from 2 to 16777216');
  }
  if (authenticate !== undefined && typeof authenticate !== 'function') throw new KeywardConfigError('apiKeyManagement: "authenticate" must be a function (request) => { ownerId, orgId?, roles?, scopes? } | null');
  if (typeof adminRole !== 'string' || adminRole === '') throw new KeywardConfigError('apiKeyManagement: "adminRole" must be a non-empty string');
  const claims = checkClaims(checked.claims);
  const scopeDescriptions = checkScopeDescriptions(checked.scopeDescriptions);
  const decideScopes = compileScopePolicy(scopePolicy, context);
  const ui = compileUi(checked.ui);
  const answerOptions = { realm: context.realm, retryAfterSeconds: context.retryAfterSeconds };
  const resolve = callerResolver(keyward, context, { authenticate, claims });
  const settings = {
    keyward, bodyLimitBytes, decideScopes, answerOptions,
    me: { adminRole, allowedScopes: context.allowedScopes, callerPolicy: scopePolicy === 'caller', scopeDescriptions },
  };

  const outcomeOf = (request: ManagementRequest): Promise<CallerOutcome> | CallerOutcome => {
    if (request.caller !== undefined) {
      const principal = request.principal ?? policyPrincipal(request.caller, null);
      return { ok: true, caller: { management: request.caller, principal } };
    }
    return resolve(request.headers, request.raw, request.principal);
  };

  return {
    bodyLimitBytes,
    async authenticate(headers, raw) {
      const outcome = await resolve(headers, raw);
      return outcome.ok ? { ok: true, principal: outcome.caller.principal, caller: outcome.caller.management } : outcome;
    },
    isPublic: (method, path) => ui !== null && ui.matches(method, path),
    async handle(request) {
      if (ui !== null && ui.matches(request.method, request.path)) return ui.serve(request.method, request.path);
      const route = matchRoute(request.method, request.path);
      if (route === null) return null;
      const outcome = await outcomeOf(request);
      if (!outcome.ok) return outcome.response;
      // A browser sends a session cookie on its own, even from another site: a session caller's
      // state-changing request must prove it comes from a page of this origin.
      if (outcome.caller.management.via === 'session') {
        const problem = csrfProblem(request.method, request.headers);
        if (problem !== null) return problemResponse(problem, answerOptions);
      }
      try {
        return await serveRoute(settings, route, outcome.caller, request.body, request.headers);
      } catch (error) {
        return problemResponse(problemOf(error), answerOptions);
      }
    },
  };
}
