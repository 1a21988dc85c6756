import type { HeaderInput } from '../verify/credentials.js';
import { KeyManagerError, KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { ApiKeyInfo, UpdateKeyInput } from '../keys/key-input.js';
import type { Keyward } from '../keyward.js';
import type { Principal } from '../verify/principal.js';
import { authenticateCaller } from './authenticate.js';
import { readJsonObject } from './body.js';
import { managementContextOf } from './context.js';
import type { ManagementResponse } from './responses.js';
import { problemOf, problemResponse, reply } from './responses.js';
import { compileScopePolicy } from './scope-policy.js';
import { matchAuditRoute, serveAudit } from './audit-route.js';
import { readRequestId } from '../events/key-events.js';
import { readHeader } from '../verify/credentials.js';
import type { ScopePolicyOption } from './scope-policy.js';

export type { ManagementResponse } from './responses.js';

/** A management request as an adapter sees it. */
export interface ManagementRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** The path below the mount point: `/`, `/:id` or `/:id/rotate` (with its query string: `GET /?limit=&cursor=` pages). */
  readonly path: string;
  readonly headers: HeaderInput;
  /**
   * The body: already parsed (an object), raw (a string or bytes), the request stream itself
   * (anything async-iterable, read only after authentication), or `undefined` for none.
   */
  readonly body?: unknown;
  /** A principal from {@link ManagementApi.authenticate}, when the adapter authenticated earlier. */
  readonly principal?: Principal;
}

/** Options of {@link createManagementApi}. */
export interface ManagementOptions {
  /** Largest request body read, in bytes (default 64 KiB); larger is a 413 and the rest is not read. */
  readonly bodyLimitBytes?: number;
  /**
   * Which scopes a caller may grant to a key it creates: `'caller'` (only scopes its own token
   * holds, in its `scope`/`scp` claim) or a function `(caller, requestedScopes) => boolean | string[]`.
   * Required unless `keys.allowedScopes` is configured on the keyward instance.
   */
  readonly scopePolicy?: ScopePolicyOption;
}

/** The management routes of docs/management-api.md, framework-free. */
export interface ManagementApi {
  /**
   * Serve one request: `POST /` create, `GET /` list, `GET /:id` show, `PATCH /:id` update, `DELETE /:id` revoke, `POST /:id/rotate`, `GET /audit` (org admins).
   * Resolves to `null` when the method and path are not a management route (the adapter passes
   * the request on). Never rejects.
   */
  handle(request: ManagementRequest): Promise<ManagementResponse | null>;
  /** Authenticate a management caller (Bearer JWT only; API keys are refused with 401). */
  authenticate(headers: HeaderInput): Promise<{ readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly response: ManagementResponse }>;
  /** The body limit in force (the option, or its 64 KiB default), for adapters whose framework reads the body itself. */
  readonly bodyLimitBytes: number;
}

type Route = { readonly name: 'create' } | { readonly name: 'list'; readonly query: URLSearchParams } | { readonly name: 'show' | 'update' | 'revoke' | 'rotate'; readonly id: string };

function matchRoute(method: string, path: string): Route | null {
  const query = path.indexOf('?');
  const parts = (query === -1 ? path : path.slice(0, query)).split('/').filter((part) => part !== '');
  const verb = method.toUpperCase();
  if (parts.length === 0) return verb === 'POST' ? { name: 'create' } : verb === 'GET' ? { name: 'list', query: new URLSearchParams(query === -1 ? '' : path.slice(query + 1)) } : null;
  if (parts.length === 1) {
    const name = verb === 'GET' ? 'show' : verb === 'PATCH' ? 'update' : verb === 'DELETE' ? 'revoke' : null;
    return name === null ? null : { name, id: parts[0]! };
  }
  if (parts.length === 2 && parts[1] === 'rotate' && verb === 'POST') return { name: 'rotate', id: parts[0]! };
  return null;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The key as its owner sees it in a list: never the key or its hash. */
const listed = (k: ApiKeyInfo) => ({
  id: k.id, nickname: k.nickname, scopes: [...k.scopes], start: k.start,
  expiresAt: iso(k.expiresAt), lastUsedAt: iso(k.lastUsedAt), createdAt: iso(k.createdAt), updatedAt: iso(k.updatedAt),
});
/** A freshly minted key: the only time `key` is ever sent. */
const minted = (key: string, k: ApiKeyInfo) => ({
  id: k.id, nickname: k.nickname, key, scopes: [...k.scopes], expiresAt: iso(k.expiresAt), createdAt: iso(k.createdAt), updatedAt: iso(k.updatedAt),
});

/**
 * Build the framework-free management API on a keyward instance. Adapters only translate a request
 * into {@link ManagementRequest} and send the {@link ManagementResponse}; every decision (JWT only,
 * owner = JWT `sub`, organization = the JWT organization claim, scope policy, status codes,
 * bodies) is made here. Throws `KeywardConfigError` when neither `scopePolicy` nor
 * `keys.allowedScopes` says which scopes callers may grant.
 *
 * @example
 * ```ts
 * const api = createManagementApi(keyward, { scopePolicy: 'caller' });
 * const res = await api.handle({ method: req.method, path: '/', headers: nodeRequestHeaders(req), body: req });
 * if (res) response.writeHead(res.status, res.headers).end(res.json);
 * ```
 */
export function createManagementApi(keyward: Keyward, options?: ManagementOptions): ManagementApi {
  const context = typeof keyward === 'object' && keyward !== null ? managementContextOf(keyward) : undefined;
  if (context === undefined) throw new KeywardConfigError('apiKeyManagement: expected a keyward instance from createKeyward(...)');
  const { bodyLimitBytes = 65_536, scopePolicy } = checkOptions('apiKeyManagement', options, { bodyLimitBytes: true, scopePolicy: true });
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 2 || bodyLimitBytes > 16_777_216) {
    throw new KeywardConfigError('apiKeyManagement: "bodyLimitBytes" must be a whole number from 2 to 16777216');
  }
  const decideScopes = compileScopePolicy(scopePolicy, context);
  const answerOptions = { realm: context.realm, retryAfterSeconds: context.retryAfterSeconds };

  const authenticate: ManagementApi['authenticate'] = async (headers) => {
    const result = await authenticateCaller(context, headers);
    return result.ok ? result : { ok: false, response: keyward.respond(result.failure) };
  };

  async function serve(route: Route, principal: Principal, rawBody: unknown, headers: HeaderInput): Promise<ManagementResponse> {
    // Every route touches only keys of the caller's account in the caller's organization.
    const caller = { ownerId: principal.ownerId, orgId: principal.orgId };
    // Who acts, for the events of the key manager (and the audit log).
    const acting = { actor: `user:${principal.ownerId}`, requestId: readRequestId(readHeader(headers, 'x-request-id')) };
    switch (route.name) {
      case 'list': {
        const inOrg = (keys: readonly ApiKeyInfo[]) => keys.filter((k) => k.orgId === caller.orgId).map(listed);
        const { query } = route;
        if (!query.has('limit') && !query.has('cursor')) return reply(200, { apiKeys: inOrg(await keyward.keys.list(caller.ownerId)) });
        // ?limit=&cursor=: one page (limit 1-100, default 20) and the cursor of the next, null at the end.
        const limitText = query.get('limit');
        const limit = limitText === null ? undefined : /^\d{1,3}$/.test(limitText) ? Number(limitText) : Number.NaN;
        const page = await keyward.keys.listPage(caller.ownerId, { ...(limit === undefined ? {} : { limit }), cursor: query.get('cursor') });
        return reply(200, { apiKeys: inOrg(page.items), nextCursor: page.nextCursor });
      }
      case 'show': {
        const key = await keyward.keys.get(route.id, caller);
        if (key === null) throw new KeyManagerError('not_found', 'API key not found.');
        return reply(200, listed(key));
      }
      case 'update': {
        const body = await readJsonObject(rawBody, bodyLimitBytes);
        if (!body.ok) return problemResponse(body.problem, answerOptions);
        const { nickname, scopes: requested, expiresAt, metadata, ...rest } = body.value;
        const unknown = Object.keys(rest);
        if (unknown.length > 0) throw new KeyManagerError('invalid_input', `Unknown field ${JSON.stringify(unknown[0])}: send nickname, scopes, expiresAt or metadata.`, { field: unknown[0]! });
        const patch: Record<string, unknown> = {};
        if (nickname !== undefined) patch.nickname = nickname;
        if (expiresAt !== undefined) patch.expiresAt = expiresAt;
        if (metadata !== undefined) patch.metadata = metadata;
        if (requested !== undefined) {
          // The scope policy decides new scopes exactly as on create: a caller cannot grant itself more.
          const scopes = await decideScopes(principal, requested);
          if (!scopes.ok) return problemResponse(scopes.problem, answerOptions);
          patch.scopes = scopes.scopes;
        }
        return reply(200, listed(await keyward.keys.update(route.id, patch as UpdateKeyInput, { ...caller, ...acting })));
      }
      case 'revoke':
        await keyward.keys.revoke(route.id, { ...caller, ...acting });
        return reply(200, { message: 'API key deleted successfully' });
      case 'create': {
        const body = await readJsonObject(rawBody, bodyLimitBytes);
        if (!body.ok) return problemResponse(body.problem, answerOptions);
        const scopes = await decideScopes(principal, body.value.scopes);
        if (!scopes.ok) return problemResponse(scopes.problem, answerOptions);
        const { nickname, expiresAt } = body.value;
        const input = { ...caller, nickname: nickname as string, scopes: scopes.scopes as string[] | undefined, expiresAt: expiresAt as string | null | undefined };
        const { key, record } = await keyward.keys.create(input, acting);
        return reply(201, minted(key, record));
      }
      case 'rotate': {
        const body = await readJsonObject(rawBody, bodyLimitBytes);
        if (!body.ok) return problemResponse(body.problem, answerOptions);
        const { key, record } = await keyward.keys.rotate(route.id, { ...caller, ...acting, gracePeriodSeconds: body.value.gracePeriodSeconds as number | undefined });
        return reply(201, minted(key, record));
      }
    }
  }

  return {
    authenticate,
    bodyLimitBytes,
    async handle(request) {
      const audit = matchAuditRoute(request.method, request.path);
      const route = audit === null ? matchRoute(request.method, request.path) : null;
      if (route === null && audit === null) return null;
      let principal = request.principal;
      if (principal === undefined) {
        const auth = await authenticate(request.headers);
        if (!auth.ok) return auth.response;
        principal = auth.principal;
      }
      try {
        return audit !== null ? await serveAudit(keyward, principal, audit) : await serve(route!, principal, request.body, request.headers);
      } catch (error) {
        return problemResponse(problemOf(error), answerOptions);
      }
    },
  };
}
