import type { AuthFailure } from '../errors.js';
import { parseKey } from '../keys/key-format.js';
import type { HeaderInput } from '../verify/credentials.js';
import { extractCredential } from '../verify/credentials.js';
import { looksLikeJwt } from '../verify/jwt.js';
import type { Principal } from '../verify/principal.js';
import type { ManagementContext } from './context.js';

/** Who is calling a management route, or why not. */
export type CallerResult = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly failure: AuthFailure };

/**
 * Authenticate a management caller: `Authorization: Bearer <JWT>` only. An API key in either
 * header is `invalid_token` (`api_key_not_accepted`), never a lookup. The verifier refuses a token
 * without `sub`, so every principal here has an owner.
 */
export async function authenticateCaller(context: ManagementContext, headers: HeaderInput): Promise<CallerResult> {
  const verifier = context.jwt;
  if (verifier === null) return { ok: false, failure: { code: 'invalid_token', reason: 'not_configured' } };
  const maxLength = context.maxCredentialLength;
  const found = extractCredential(headers, { maxLength, authorizationOnly: true });
  if (!found.ok) {
    if (found.failure.code !== 'missing_credentials') return found;
    // No Authorization header, but an X-API-Key (usable or not): refused as an API key, not "missing".
    const anyCredential = extractCredential(headers, { maxLength });
    const apiKeySent = anyCredential.ok || anyCredential.failure.code !== 'missing_credentials';
    return apiKeySent ? { ok: false, failure: { code: 'invalid_token', reason: 'api_key_not_accepted' } } : found;
  }
  const { value } = found.credential;
  if (!looksLikeJwt(value)) {
    return { ok: false, failure: { code: 'invalid_token', reason: parseKey(value, context.prefixes).ok ? 'api_key_not_accepted' : 'not_a_jwt' } };
  }
  return verifier.verify(value);
}
