import type { HeaderInput } from '../verify/credentials.js';
import { KeyManagerError, KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { ApiKeyInfo } from '../keys/key-input.js';
import type { Keyward } from '../keyward.js';
import type { Principal } from '../verify/principal.js';

/** A management request as an adapter sees it. */
export interface ManagementRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** The path below the mount point: `/`, `/:id` or `/:id/rotate` (a query string is ignored). */
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

/** What an adapter sends back: status, headers and a ready JSON string. */
export interface ManagementResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  /** `JSON.stringify(body)`. */
  readonly json: string;
}

/** Options of {@link createManagementApi}. */
export interface ManagementOptions {
  /** Largest request body read, in bytes (default 64 KiB); larger is a 413. */
  readonly bodyLimitBytes?: number;
}

/** The management routes of SPEC §6, framework-free. */
export interface ManagementApi {
  /**
   * Serve one request: `POST /` create, `GET /` list, `DELETE /:id` revoke, `POST /:id/rotate`.
   * Resolves to `null` when the method and path are not a management route (the adapter passes
   * the request on). Never rejects.
   */
  handle(request: ManagementRequest): Promise<ManagementResponse | null>;
  /** Authenticate a management caller (Bearer JWT only; API keys are refused with 401). */
  authenticate(headers: HeaderInput): Promise<{ readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly response: ManagementResponse }>;
  /** The body limit in force (the option, or its 64 KiB default), for adapters whose framework reads the body itself. */
  readonly bodyLimitBytes: number;
}

type Route = { readonly name: 'create' | 'list' } | { readonly name: 'revoke' | 'rotate'; readonly id: string };

function matchRoute(method: string, path: string): Route | null {
  const query = path.indexOf('?');
  const parts = (query === -1 ? path : path.slice(0, query)).split('/').filter((part) => part !== '');
  const verb = method.toUpperCase();
  if (parts.length === 0) return verb === 'POST' ? { name: 'create' } : verb === 'GET' ? { name: 'list' } : null;
  if (parts.length === 1 && verb === 'DELETE') return { name: 'revoke', id: parts[0]! };
  if (parts.length === 2 && parts[1] === 'rotate' && verb === 'POST') return { name: 'rotate', id: parts[0]! };
  return null;
}

const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
const reply = (status: number, body: Record<string, unknown>): ManagementResponse => ({ status, headers: JSON_HEADERS, body, json: JSON.stringify(body) });
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

/** Read the body into a JSON object: `{}` when empty; throws `'invalid_json'`, `'body_too_large'` or `invalid_input`. */
async function readJsonObject(body: unknown, limit: number): Promise<Record<string, unknown>> {
  let value = body;
  if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
    const chunks: Buffer[] = [];
    let size = 0;
    // Drain a too-large body without keeping it, so the connection stays usable for the 413.
    for await (const chunk of value as AsyncIterable<Uint8Array | string>) {
      size += chunk.length;
      if (size <= limit) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    if (size > limit) throw 'body_too_large';
    value = Buffer.concat(chunks);
  }
  if (value instanceof Uint8Array) {
    if (value.byteLength > limit) throw 'body_too_large';
    value = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  }
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    try {
      value = JSON.parse(value);
    } catch {
      throw 'invalid_json';
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new KeyManagerError('invalid_input', 'The body must be a JSON object.', { field: 'body' });
  return value as Record<string, unknown>;
}

/**
 * Build the framework-free management API on a keyward instance. Adapters only translate a request
 * into {@link ManagementRequest} and send the {@link ManagementResponse}; every decision (JWT only,
 * owner = JWT `sub`, organization = the JWT organization claim, status codes, bodies) is made here.
 *
 * @example
 * ```ts
 * const api = createManagementApi(keyward);
 * const res = await api.handle({ method: req.method, path: '/', headers: req.headers, body: req });
 * if (res) response.writeHead(res.status, res.headers).end(res.json);
 * ```
 */
export function createManagementApi(keyward: Keyward, options?: ManagementOptions): ManagementApi {
  const { bodyLimitBytes = 65_536 } = checkOptions('apiKeyManagement', options, { bodyLimitBytes: true });
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 2 || bodyLimitBytes > 16_777_216) {
    throw new KeywardConfigError('apiKeyManagement: "bodyLimitBytes" must be a whole number from 2 to 16777216');
  }
  const authenticate: ManagementApi['authenticate'] = async (headers) => {
    const result = await keyward.authenticateManagement(headers);
    if (!result.ok) return { ok: false, response: keyward.respond(result.failure) };
    // A token without a subject cannot own keys.
    if (result.principal.ownerId === '') return { ok: false, response: keyward.respond({ code: 'invalid_token', reason: 'claims' }) };
    return result;
  };

  async function serve(route: Route, principal: Principal, rawBody: unknown): Promise<ManagementResponse> {
    const owner = { ownerId: principal.ownerId };
    switch (route.name) {
      case 'list':
        return reply(200, { apiKeys: (await keyward.keys.list(principal.ownerId)).map(listed) });
      case 'revoke':
        await keyward.keys.revoke(route.id, owner);
        return reply(200, { message: 'API key deleted successfully' });
      case 'create': {
        const body = await readJsonObject(rawBody, bodyLimitBytes);
        const input = { ...owner, orgId: principal.orgId, nickname: body.nickname as string, scopes: body.scopes as string[] | undefined };
        const { key, record } = await keyward.keys.create({ ...input, expiresAt: body.expiresAt as string | null | undefined });
        return reply(201, minted(key, record));
      }
      case 'rotate': {
        const body = await readJsonObject(rawBody, bodyLimitBytes);
        const { key, record } = await keyward.keys.rotate(route.id, { ...owner, gracePeriodSeconds: body.gracePeriodSeconds as number | undefined });
        return reply(201, minted(key, record));
      }
    }
  }

  return {
    authenticate,
    bodyLimitBytes,
    async handle(request) {
      const route = matchRoute(request.method, request.path);
      if (route === null) return null;
      let principal = request.principal;
      if (principal === undefined) {
        const auth = await authenticate(request.headers);
        if (!auth.ok) return auth.response;
        principal = auth.principal;
      }
      try {
        return await serve(route, principal, request.body);
      } catch (error) {
        const response = keyward.respondError(error);
        return { ...response, body: { ...response.body } };
      }
    },
  };
}
