import type { HeaderInput } from '../verify/credentials.js';
import { readHeader } from '../verify/credentials.js';
import type { ManagementProblem } from './responses.js';

/** The header a browser caller sends on every state-changing management request (any non-empty value). */
export const CSRF_HEADER = 'x-keyward-csrf';

const STATE_CHANGING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** One header value: the only value, or `null` when absent; several values are `undefined` (refused). */
function single(headers: HeaderInput, name: string): string | null | undefined {
  const value = readHeader(headers, name);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return value.length === 1 ? value[0]! : value.length === 0 ? null : undefined;
}

/** The `host[:port]` of an `Origin` value, lower-case, or `null` when it has none (`null`, garbage). */
function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.host === '' ? null : url.host.toLowerCase();
  } catch {
    return null;
  }
}

const refused = (message: string): ManagementProblem => ({ code: 'csrf_failed', message });

/**
 * The cross-site request forgery check of a session caller (the `authenticate` option, usually a
 * cookie session). A state-changing request (POST, PATCH, PUT, DELETE) must:
 *
 * 1. carry `X-Keyward-CSRF` with a non-empty value: an HTML form cannot set a custom header, and a
 *    cross-origin `fetch` that sets one needs a CORS preflight the app does not grant;
 * 2. when `Sec-Fetch-Site` is present, say `same-origin` or `none` (the browser says where the
 *    request comes from; `same-site` is refused too: a sibling subdomain is another origin);
 * 3. when `Origin` is present, name the host of the `Host` header.
 *
 * Returns `null` when the request passes, else the `csrf_failed` problem (403). Reads (GET) and
 * Bearer-token callers are never checked: a token is not sent by the browser on its own.
 *
 * @example
 * ```ts
 * const problem = csrfProblem('POST', { 'x-keyward-csrf': '1', host: 'app.example', origin: 'https://app.example' }); // null
 * ```
 */
export function csrfProblem(method: string, headers: HeaderInput): ManagementProblem | null {
  if (!STATE_CHANGING.has(method.toUpperCase())) return null;
  const token = single(headers, CSRF_HEADER);
  if (typeof token !== 'string' || token.trim() === '') return refused('This request needs the X-Keyward-CSRF header (any value): it is refused to keep other sites from acting with your session.');
  const site = single(headers, 'sec-fetch-site');
  if (site === undefined || (site !== null && !['same-origin', 'none'].includes(site.trim().toLowerCase()))) {
    return refused('This request comes from another site (Sec-Fetch-Site) and is refused.');
  }
  const origin = single(headers, 'origin');
  if (origin === null) return null;
  const host = single(headers, 'host');
  const from = origin === undefined ? null : originHost(origin.trim());
  if (from === null || typeof host !== 'string' || from !== host.trim().toLowerCase()) return refused('This request comes from another origin (Origin does not match Host) and is refused.');
  return null;
}
