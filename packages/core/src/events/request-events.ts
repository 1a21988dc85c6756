import type { AuthFailure } from '../errors.js';
import type { RateLimitResult } from '../ratelimit/limiter.js';
import type { KeywardTelemetry } from '../telemetry/hooks.js';
import type { HeaderInput } from '../verify/credentials.js';
import { readHeader } from '../verify/credentials.js';
import type { Principal } from '../verify/principal.js';
import type { EventHub } from './hub.js';
import { readRequestId } from './key-events.js';

/** What an adapter may tell `keyward.respond` about the refused request (for the `authz_fail` event). */
export interface RespondContext {
  /** The authenticated caller (`req.auth`). */
  readonly principal?: Principal | null;
  /** The request's headers (its `x-request-id` labels the event). */
  readonly headers?: HeaderInput;
}

const actorOf = (principal: Principal | null | undefined) =>
  principal == null ? 'anonymous' : principal.keyId !== null ? `key:${principal.keyId}` : `user:${principal.ownerId}`;

/** Report a guard's refusal (`insufficient_scope`, `forbidden_organization`) as `authz_fail`; other failures are reported where they happen. */
export function reportAuthz(hub: EventHub, now: () => number, failure: AuthFailure, context: RespondContext | undefined): void {
  if (!hub.listening || (failure.code !== 'insufficient_scope' && failure.code !== 'forbidden_organization')) return;
  const principal = context?.principal;
  const headers = context?.headers;
  hub.emit({
    type: 'authz_fail',
    time: new Date(now()),
    actor: actorOf(principal),
    orgId: principal?.orgId ?? null,
    keyId: principal?.keyId ?? null,
    requestId: headers === undefined ? null : readRequestId(readHeader(headers, 'x-request-id')),
    code: failure.code,
    required: failure.code === 'insufficient_scope' ? [...failure.required] : null,
    requiredOrgId: failure.code === 'forbidden_organization' ? failure.orgId : null,
  });
}

/**
 * What happens after a rate-limit decision: a telemetry count of every decision, and a
 * `ratelimit_exceeded` event for refusals (first of the interval per key and code at once, the rest
 * counted). `null` when neither is configured.
 */
export function createLimitObserver(hub: EventHub, telemetry: KeywardTelemetry | null, now: () => number): ((result: RateLimitResult, principal: Principal | null) => void) | null {
  if (!hub.listening && telemetry === null) return null;
  return (result, principal) => {
    if (result.ok) {
      if (result.cost > 0) telemetry?.rateLimit('allowed');
      return;
    }
    const failure = result.failure;
    if (failure.code !== 'rate_limited' && failure.code !== 'quota_exceeded') {
      telemetry?.rateLimit('unavailable');
      return;
    }
    telemetry?.rateLimit(failure.code);
    if (principal === null) return;
    const code = failure.code;
    const policy = failure.policy?.name ?? null;
    hub.repeated(`limit\u0000${principal.keyId ?? principal.ownerId}\u0000${code}`, (count) => ({
      type: 'ratelimit_exceeded', time: new Date(now()), actor: actorOf(principal), orgId: principal.orgId, keyId: principal.keyId, requestId: null, code, policy, count,
    }));
  };
}
