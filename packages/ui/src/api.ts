/** A key as the list route shows it: never the key itself, only its `start` hint. */
export interface ListedKey {
  readonly id: string;
  readonly nickname: string;
  readonly scopes: readonly string[];
  readonly start: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly createdAt: string;
  /** The key's owner (org admins see every key of the organization). */
  readonly createdBy?: string;
}

/** A freshly minted key: the only answer that carries `key`. */
export interface MintedKey {
  readonly id: string;
  readonly nickname: string;
  readonly key: string;
  readonly expiresAt: string | null;
}

/** `GET /me`: who is signed in and which scopes they may grant. */
export interface Me {
  readonly ownerId: string;
  readonly orgId: string | null;
  readonly admin: boolean;
  readonly scopes: readonly { readonly name: string; readonly description: string | null }[];
}

/** A refused call: status, the server's code and message, and the field to blame when one is. */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ApiProblem };

/**
 * The management routes' base URL: `endpoint` resolved against the page (so `..` or
 * `/auth/api-keys` both work), without a trailing slash.
 *
 * @example
 * ```ts
 * baseUrl('/auth/api-keys/', 'https://app.test/settings') // 'https://app.test/auth/api-keys'
 * ```
 */
export function baseUrl(endpoint: string, page: string): string {
  return new URL(endpoint === '' ? '.' : endpoint, page).href.replace(/\/+$/, '');
}

/** The header that marks a state-changing call as coming from script (forms cannot set it). */
export const CSRF_HEADER = 'X-Keyward-CSRF';

/**
 * Calls of the management routes. Same-origin cookies always go along; `token`, when set, is
 * sent as `Authorization: Bearer`. State-changing calls carry {@link CSRF_HEADER}.
 *
 * @example
 * ```ts
 * const api = new ManagementClient(() => baseUrl('/auth/api-keys', location.href), () => undefined);
 * const me = await api.me();
 * ```
 */
export class ManagementClient {
  constructor(
    private readonly base: () => string,
    private readonly token: () => string | undefined,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  me(): Promise<ApiResult<Me>> {
    return this.call('GET', '/me');
  }

  async list(): Promise<ApiResult<readonly ListedKey[]>> {
    const result = await this.call<{ apiKeys: ListedKey[] }>('GET', '/');
    return result.ok ? { ok: true, value: result.value.apiKeys } : result;
  }

  create(input: { nickname: string; scopes: string[]; expiresAt: string | null }): Promise<ApiResult<MintedKey>> {
    return this.call('POST', '/', input);
  }

  revoke(id: string): Promise<ApiResult<unknown>> {
    return this.call('DELETE', `/${encodeURIComponent(id)}`);
  }

  rotate(id: string, gracePeriodSeconds: number): Promise<ApiResult<MintedKey>> {
    return this.call('POST', `/${encodeURIComponent(id)}/rotate`, { gracePeriodSeconds });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers[CSRF_HEADER] = '1';
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = this.token();
    if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await this.fetcher(this.base() + path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        // The page's own policy may be no-referrer, under which a same-origin POST carries
        // `Origin: null` and fails the server's cross-site check; same-origin sends the real one.
        referrerPolicy: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return { ok: false, problem: { status: 0, code: 'network_error', message: 'The server could not be reached.', field: null } };
    }
    const data: unknown = await response.json().catch(() => null);
    if (response.ok) return { ok: true, value: data as T };
    return { ok: false, problem: problemOf(response.status, data) };
  }
}

/** The problem a refused answer stands for, from its JSON body when it has one. */
export function problemOf(status: number, data: unknown): ApiProblem {
  const body = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    status,
    code: text(body.code) ?? 'http_error',
    message: text(body.message) ?? `The server answered ${status}.`,
    field: text(body.field),
  };
}
