import type { AuthFailure } from '../errors.js';
import type { KeyPrefix } from '../keys/key-format.js';
import type { KeywardTelemetry } from '../telemetry/hooks.js';
import type { HeaderInput } from '../verify/credentials.js';
import { extractCredential, readHeader } from '../verify/credentials.js';
import type { Principal } from '../verify/principal.js';
import type { EventHub } from './hub.js';
import { readRequestId } from './key-events.js';

type Result = { readonly ok: true; readonly principal: Principal | null } | { readonly ok: false; readonly failure: AuthFailure };

/**
 * What the verification pipeline reports, for events and telemetry. `null` in the pipeline when
 * there is neither a listener nor telemetry: then the request path does no extra work at all.
 */
export interface AuthObserver {
  /** Whether authentications are timed (telemetry is configured). */
  readonly timed: boolean;
  /** An authentication ended (`optional`: a request without credential is anonymous, not a failure). */
  done(result: Result, headers: HeaderInput, startedAt: number, optional: boolean): void;
  /** A revoked key, or one replaced by a rotation and past its grace period, was presented. */
  reuse(principal: Principal, reason: 'revoked' | 'rotated', headers: HeaderInput): void;
  cache(hit: boolean): void;
  lookup<T>(run: () => Promise<T>): Promise<T>;
}

const credentialOf = (result: Result): 'api_key' | 'jwt' | 'none' => {
  if (result.ok) return result.principal === null ? 'none' : result.principal.type;
  const code = result.failure.code;
  return code === 'invalid_token' ? 'jwt' : code === 'missing_credentials' || code === 'malformed_credentials' ? 'none' : 'api_key';
};

/** The observer of one instance, or `null` when nobody would hear of it. */
export function createAuthObserver(parts: {
  readonly hub: EventHub;
  readonly telemetry: KeywardTelemetry | null;
  readonly prefixes: readonly KeyPrefix[];
  readonly maxLength: number;
  readonly now: () => number;
}): AuthObserver | null {
  const { hub, telemetry, prefixes, maxLength, now } = parts;
  if (!hub.listening && telemetry === null) return null;
  // The configured prefix a failed credential carried (never any other part of it), else 'none'.
  const prefixOf = (headers: HeaderInput): string => {
    const found = extractCredential(headers, { maxLength });
    if (!found.ok) return 'none';
    return prefixes.find((p) => found.credential.value.startsWith(p.prefix))?.prefix ?? 'none';
  };
  return {
    timed: telemetry !== null,
    done(result, headers, startedAt, optional) {
      const anonymous = optional && !result.ok && result.failure.code === 'missing_credentials';
      if (telemetry !== null) {
        const outcome = result.ok || anonymous ? 'success' : result.failure.code;
        telemetry.authn(outcome, anonymous ? 'none' : credentialOf(result), (performance.now() - startedAt) / 1000);
      }
      if (!result.ok && !anonymous) hub.authnFail(result.failure.code, prefixOf(headers));
    },
    reuse(principal, reason, headers) {
      const keyId = principal.keyId ?? '';
      const requestId = readRequestId(readHeader(headers, 'x-request-id'));
      hub.repeated(`reuse\u0000${keyId}\u0000${reason}`, (count) => ({
        type: 'authn_token_reuse', time: new Date(now()), actor: `key:${keyId}`, orgId: principal.orgId, keyId, requestId: count === 1 ? requestId : null, reason, count,
      }));
    },
    cache(hit) {
      telemetry?.cache(hit);
    },
    lookup(run) {
      return telemetry === null ? run() : telemetry.storeLookup(run);
    },
  };
}
