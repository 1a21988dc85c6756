/** A management route, as matched from a method and a path below the mount point. */
export type Route =
  | { readonly name: 'create' }
  | { readonly name: 'list'; readonly query: URLSearchParams }
  | { readonly name: 'me' }
  | { readonly name: 'audit'; readonly query: URLSearchParams }
  | { readonly name: 'show' | 'update' | 'revoke' | 'rotate'; readonly id: string };

/**
 * Match a method and a path (with its query string) to a management route, or `null` when it is
 * not one (the adapter passes the request on). First segments `me`, `ui` and `audit` are reserved
 * (key ids start with `key_`): `GET /me` is the caller's profile, `GET /audit` the organization's audit log.
 */
export function matchRoute(method: string, path: string): Route | null {
  const query = path.indexOf('?');
  const parts = (query === -1 ? path : path.slice(0, query)).split('/').filter((part) => part !== '');
  const verb = method.toUpperCase();
  if (parts.length === 0) return verb === 'POST' ? { name: 'create' } : verb === 'GET' ? { name: 'list', query: new URLSearchParams(query === -1 ? '' : path.slice(query + 1)) } : null;
  if (parts.length === 1 && parts[0] === 'me') return verb === 'GET' ? { name: 'me' } : null;
  if (parts.length === 1 && parts[0] === 'audit') return verb === 'GET' ? { name: 'audit', query: new URLSearchParams(query === -1 ? '' : path.slice(query + 1)) } : null;
  if (parts.length === 1) {
    const name = verb === 'GET' ? 'show' : verb === 'PATCH' ? 'update' : verb === 'DELETE' ? 'revoke' : null;
    return name === null ? null : { name, id: parts[0]! };
  }
  if (parts.length === 2 && parts[1] === 'rotate' && verb === 'POST') return { name: 'rotate', id: parts[0]! };
  return null;
}
