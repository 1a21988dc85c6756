// Management tokens (HS256 JWTs) for the demo and the end-to-end walk. A real deployment gets
// them from its identity provider; keyward only verifies them.
import { SignJWT } from 'jose';

/**
 * Sign an HS256 management token: `sub` is the account that owns the keys, `org` its organization.
 *
 * @example
 * const token = await signManagementToken(secret, { sub: 'demo-user', org: 'acme' });
 * await fetch(`${url}/auth/api-keys`, { headers: { authorization: `Bearer ${token}` } });
 *
 * @param {string} secret The `KEYWARD_JWT_SECRET`.
 * @param {{ sub: string, org?: string, expiresIn?: string | number }} claims `expiresIn` as jose's
 *   `setExpirationTime` reads it (`'1h'`, or epoch seconds), default `'1h'`.
 * @returns {Promise<string>}
 */
export function signManagementToken(secret, { sub, org, expiresIn = '1h' }) {
  return new SignJWT(org === undefined ? {} : { org })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
