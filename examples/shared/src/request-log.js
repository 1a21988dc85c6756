// The request log of the reference apps: method, path, status, duration and who called. Never a
// header value, a query string, a key or a token, even when a client puts one in the URL.

/** Three base64url segments: a JWT. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
const MAX_PATH = 200;
const LONG_TOKEN = /[A-Za-z0-9+/=_.~-]{64,}/;

/**
 * The pathname of a request URL with the query string dropped and any segment that could carry a
 * credential replaced by `[redacted]`: one containing a key prefix (any case, percent-decoded or
 * not), a JWT, or 64+ token characters. Key ids (`key_…`) and run ids stay readable.
 *
 * @example
 * safePath('/v1/runs/eck_live_0123456789abcdefghijklmnopqrst012345?x=1', ['eck_live_']); // '/v1/runs/[redacted]'
 *
 * @param {string} url The request target (`req.url`, `ctx.url`, ...).
 * @param {readonly string[]} prefixes The accepted key prefixes.
 * @returns {string}
 */
export function safePath(url, prefixes) {
  const queryAt = url.search(/[?#]/);
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path.split('/').map((segment) => (mayCarrySecret(segment, prefixes) ? '[redacted]' : segment));
  const joined = segments.join('/');
  return joined.length > MAX_PATH ? `${joined.slice(0, MAX_PATH)}…` : joined;
}

/** @param {string} segment @param {readonly string[]} prefixes */
function mayCarrySecret(segment, prefixes) {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Not valid percent-encoding: check it as it is.
  }
  return [segment, decoded].some((s) => {
    const lower = s.toLowerCase();
    return prefixes.some((p) => lower.includes(p)) || LONG_TOKEN.test(s) || JWT_SHAPE.test(s);
  });
}

/**
 * Who made the request, safe to log: `key=<key id>` for an API key, `jwt=<sub>` for a
 * management token, `-` for an anonymous or rejected request.
 *
 * @example
 * principalLabel(req.auth); // 'key=3f0c…'
 *
 * @param {import('@keyward/core').Principal | null | undefined} principal
 * @returns {string}
 */
export function principalLabel(principal) {
  if (principal === null || principal === undefined) return '-';
  if (principal.type === 'api_key') return `key=${principal.keyId ?? '?'}`;
  return `jwt=${JSON.stringify(principal.ownerId.slice(0, 64))}`;
}

/**
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} url The request target; only its redacted path is logged.
 * @property {number} status
 * @property {number} durationMs
 * @property {import('@keyward/core').Principal | null | undefined} principal
 */

/**
 * Format one request log line: `POST /v1/run 202 1.4ms key=<id>`.
 *
 * @example
 * formatRequestLog({ method: 'GET', url: '/health', status: 200, durationMs: 0.4, principal: null }, ['eck_live_']);
 * // 'GET /health 200 0.4ms -'
 *
 * @param {RequestLogEntry} entry
 * @param {readonly string[]} prefixes The accepted key prefixes (redacted from paths).
 * @returns {string}
 */
export function formatRequestLog(entry, prefixes) {
  const method = /^[A-Z]{1,16}$/.test(entry.method) ? entry.method : '?';
  return `${method} ${safePath(entry.url, prefixes)} ${entry.status} ${entry.durationMs.toFixed(1)}ms ${principalLabel(entry.principal)}`;
}

/**
 * A request logger writing one line per finished request.
 *
 * @example
 * const logRequest = createRequestLogger(keyward.prefixes.map((p) => p.prefix));
 * res.on('finish', () => logRequest({ method: req.method, url: req.url, status: res.statusCode, durationMs, principal: req.auth }));
 *
 * @param {readonly string[]} prefixes The accepted key prefixes.
 * @param {(line: string) => void} [write] Default `console.log`.
 * @returns {(entry: RequestLogEntry) => void}
 */
export function createRequestLogger(prefixes, write = (line) => console.log(line)) {
  const lower = prefixes.map((p) => p.toLowerCase());
  return (entry) => write(formatRequestLog(entry, lower));
}
