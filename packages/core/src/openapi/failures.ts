import type { AuthFailure, FailureCode } from '../errors.js';
import type { FailureResponse, ResponseOptions } from '../http/responses.js';
import { createFailureResponder } from '../http/responses.js';

/**
 * One representative failure per code. Typed as a record of every {@link FailureCode}, so a code
 * added to keyward without an example here fails to compile: the documents never fall behind.
 */
const SAMPLES: { readonly [C in FailureCode]: Extract<AuthFailure, { code: C }> } = {
  missing_credentials: { code: 'missing_credentials' },
  malformed_credentials: { code: 'malformed_credentials', reason: 'unsupported_scheme', source: 'authorization' },
  invalid_api_key: { code: 'invalid_api_key', reason: 'bad_checksum' },
  expired_api_key: { code: 'expired_api_key', keyId: 'key_3bXq9WmT2rKf8sLp0aZc4yVn' },
  revoked_api_key: { code: 'revoked_api_key', keyId: 'key_3bXq9WmT2rKf8sLp0aZc4yVn' },
  invalid_token: { code: 'invalid_token', reason: 'signature' },
  insufficient_scope: { code: 'insufficient_scope', required: ['agents:run'], provided: ['agents:read'], mode: 'all' },
  forbidden_organization: { code: 'forbidden_organization', orgId: 'acme' },
  rate_limited: { code: 'rate_limited', retryAfterSeconds: 12 },
  auth_unavailable: { code: 'auth_unavailable', reason: 'store_timeout', retryAfterSeconds: 5 },
};

/** Every failure code with the exact response keyward sends for its sample, grouped by status. */
export function sampleResponses(options: ResponseOptions | undefined): Map<number, { code: FailureCode; response: FailureResponse }[]> {
  const respond = createFailureResponder(options);
  const byStatus = new Map<number, { code: FailureCode; response: FailureResponse }[]>();
  for (const failure of Object.values(SAMPLES) as AuthFailure[]) {
    const response = respond(failure);
    const list = byStatus.get(response.status) ?? [];
    list.push({ code: failure.code, response });
    byStatus.set(response.status, list);
  }
  return byStatus;
}

/** The failure codes, in the order of {@link SAMPLES}. */
export const FAILURE_CODES = Object.keys(SAMPLES) as FailureCode[];
