// Management tokens (HS256 JWTs) for the end-to-end walk, signed with node:crypto. A real
// deployment gets them from its identity provider; keyward only verifies them.
import { createHmac } from 'node:crypto';

/**
 * Sign an HS256 management token: `sub` is the account that owns the keys, `org` its organization.
 *
 * @example
 * const token = signManagementToken(secret, { sub: 'demo-user', org: 'acme' });
 * await fetch(`${url}/auth/api-keys`, { headers: { authorization: `Bearer ${token}` } });
 *
 * @param {string} secret The `KEYWARD_JWT_SECRET`.
 * @param {{ sub: string, org?: string, expiresIn?: number, exp?: number }} claims `expiresIn` in
 *   seconds (default 3600), or `exp` in epoch seconds.
 * @returns {string}
 */
export function signManagementToken(secret, { sub, org, expiresIn = 3600, exp }) {
  const part = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: 'keyward-example', aud: 'keyward-management', ...(org === undefined ? {} : { org }), sub, iat: now, exp: exp ?? now + expiresIn })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
