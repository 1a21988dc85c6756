// The demo sign-in of the reference app (examples/README.md): two fixed users, no password, an
// HMAC-signed session cookie, and the static /login page. It stands in for YOUR app's own login:
// the API-keys page (/auth/api-keys/ui/) only needs `authenticate` to turn a request into a user.
// The same file sits beside server.js in examples/express, examples/fastify and examples/koa.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The demo users: both in organization `acme`; `demo-user` is its admin (sees every key of acme). */
export const DEMO_USERS = Object.freeze({
  'demo-user': Object.freeze({ ownerId: 'demo-user', orgId: 'acme', roles: Object.freeze(['admin']) }),
  'member-user': Object.freeze({ ownerId: 'member-user', orgId: 'acme', roles: Object.freeze(['member']) }),
});
/** Name of the session cookie (HttpOnly, SameSite=Lax, Path=/). */
export const SESSION_COOKIE = 'keyward_demo_session';
const SESSION_SECONDS = 3_600;
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer the browser sends `Origin: null` on the form
  // POST, and the same-origin check of /login could not tell this page from another site's.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** @typedef {{ status: number, headers: Record<string, string>, body: string }} DemoAnswer */

const LOGIN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in: keyward demo</title>
<link rel="stylesheet" href="/auth/api-keys/ui/keyward-api-keys.css">
</head>
<body>
<main>
<header><h1>Sign in to the keyward demo</h1></header>
<div class="card">
<p>A demo without passwords: choose who you are. Both users belong to organization <strong>acme</strong>.</p>
<form method="post" action="/login">
<p><button type="submit" name="user" value="demo-user">Sign in as demo-user (acme admin: sees every key of acme)</button></p>
<p><button type="submit" name="user" value="member-user">Sign in as member-user (acme member: sees own keys)</button></p>
</form>
<form method="post" action="/logout"><p><button type="submit">Sign out</button></p></form>
</div>
</main>
</body>
</html>
`;

/**
 * The demo sessions, signed with a key derived from `secret` (the app's JWT secret: instances
 * that share it share sessions). `enabled: false` (NODE_ENV=production) turns it all off: /login
 * answers 404 and no cookie is accepted, so a deployed copy never lets anyone in as an admin.
 * @param {{ secret: string, enabled: boolean, now?: () => number }} options
 */
export function createDemoSessions({ secret, enabled, now = Date.now }) {
  const key = createHmac('sha256', secret).update('keyward demo session cookie v1').digest();
  const sign = (/** @type {string} */ payload) => createHmac('sha256', key).update(payload).digest('base64url');
  const page = (/** @type {number} */ status, /** @type {string} */ body, extra = {}) => ({ status, headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra }, body });
  const notFound = () => page(404, '<!doctype html><title>Not found</title><p>Not found.</p>\n');
  const redirect = (/** @type {string} */ location, /** @type {string} */ cookie) => ({ status: 303, headers: { ...PAGE_HEADERS, location, 'set-cookie': cookie, 'content-type': 'text/plain; charset=utf-8' }, body: '' });

  return {
    /** `GET /login`. @returns {DemoAnswer} */
    loginPage: () => (enabled ? page(200, LOGIN_PAGE) : notFound()),

    /**
     * `POST /login` with the form body (`user=demo-user`): a session cookie and a 303 to the
     * API-keys page. Cross-site logins are refused (Sec-Fetch-Site / Origin); the cookie is
     * SameSite=Lax, so another site cannot use it to call the management routes either (and
     * those also demand the X-Keyward-CSRF header a form cannot send).
     * @param {Record<string, string | string[] | undefined>} headers @param {string} form @returns {DemoAnswer}
     */
    login(headers, form) {
      if (!enabled) return notFound();
      if (!sameOrigin(headers)) return page(403, '<!doctype html><title>Forbidden</title><p>Sign in from this site’s own page.</p>\n');
      const user = new URLSearchParams(form).get('user') ?? '';
      if (!Object.hasOwn(DEMO_USERS, user)) return page(400, '<!doctype html><title>Unknown user</title><p>Unknown demo user. <a href="/login">Back</a></p>\n');
      const payload = `${user}.${Math.floor(now() / 1000) + SESSION_SECONDS}`;
      return redirect('/auth/api-keys/ui/', `${SESSION_COOKIE}=${payload}.${sign(payload)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}`);
    },

    /** `POST /logout`: the cookie cleared, back to /login. @param {Record<string, string | string[] | undefined>} headers @returns {DemoAnswer} */
    logout(headers) {
      if (!enabled) return notFound();
      if (!sameOrigin(headers)) return page(403, '<!doctype html><title>Forbidden</title><p>Sign out from this site’s own page.</p>\n');
      return redirect('/login', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    },

    /**
     * The `authenticate` option of apiKeyManagement: the signed-in demo user of a `Cookie` header,
     * or `null` (then a Bearer JWT is needed, as before).
     * @param {string | string[] | undefined} cookieHeader
     */
    authenticate(cookieHeader) {
      if (!enabled || typeof cookieHeader !== 'string') return null;
      const value = cookieHeader.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
      const match = /^([a-z-]{1,32})\.(\d{1,12})\.([\w-]{43})$/.exec(value ?? '');
      if (match === null) return null;
      const [, user, expires, mac] = /** @type {[string, string, string, string]} */ (match);
      const expected = Buffer.from(sign(`${user}.${expires}`));
      if (!timingSafeEqual(expected, Buffer.from(mac)) || Number(expires) * 1000 <= now()) return null;
      return Object.hasOwn(DEMO_USERS, user) ? DEMO_USERS[/** @type {keyof typeof DEMO_USERS} */ (user)] : null;
    },
  };
}

/** Whether a form POST comes from this site: `Sec-Fetch-Site` same-origin/none and `Origin` naming `Host`, when present. @param {Record<string, string | string[] | undefined>} headers */
function sameOrigin(headers) {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return typeof origin === 'string' && new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}

/**
 * Read a small form body (at most 1 KiB) from a Node request stream.
 * @param {AsyncIterable<Buffer>} stream @returns {Promise<string>}
 */
export async function readForm(stream) {
  let text = '';
  for await (const chunk of stream) if (text.length <= 1024) text += chunk.toString('utf8'); // the rest is drained, unkept
  return text.length > 1024 ? '' : text;
}
