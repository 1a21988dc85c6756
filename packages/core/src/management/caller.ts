import type { Keyward } from '../keyward.js';
import type { HeaderInput } from '../verify/credentials.js';
import type { Principal } from '../verify/principal.js';
import { authenticateCaller } from './authenticate.js';
import type { ManagementContext } from './context.js';
import type { ManagementAuthenticate, ManagementClaims } from './principal.js';
import { jwtManagementPrincipal, policyPrincipal, readSessionPrincipal } from './principal.js';
import type { ManagementResponse } from './responses.js';
import type { Caller } from './serve.js';

/** Who is calling, or the answer that refuses the request. */
export type CallerOutcome = { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly response: ManagementResponse };

/** How management callers are recognised: the `authenticate` and `claims` options. */
export interface CallerSettings {
  readonly authenticate: ManagementAuthenticate<never> | undefined;
  readonly claims: ManagementClaims;
}

/**
 * Builds the resolver of management callers. With an `authenticate` function, it runs first, with
 * the framework request: a principal makes a session caller, `null` falls through to the Bearer
 * JWT path. The function failing (throw, rejection) or returning something that is not a session
 * principal (a programming error, logged once, never with the value) answers 503
 * `auth_unavailable`: the request is neither let in nor blamed on the client.
 */
export function callerResolver(keyward: Keyward, context: ManagementContext, settings: CallerSettings) {
  const warned = { failed: false, malformed: false };
  const warnOnce = (kind: keyof typeof warned, message: string) => {
    if (warned[kind]) return;
    warned[kind] = true;
    context.warn(message);
  };
  const unavailable = (): CallerOutcome => ({
    ok: false,
    response: keyward.respond({ code: 'auth_unavailable', retryAfterSeconds: context.retryAfterSeconds, reason: 'session_unavailable' }),
  });

  /** The Bearer JWT path, with the owner, organization and roles of the `claims` option. */
  async function fromJwt(headers: HeaderInput, verified?: Principal): Promise<CallerOutcome> {
    let principal = verified;
    if (principal === undefined) {
      const result = await authenticateCaller(context, headers);
      if (!result.ok) return { ok: false, response: keyward.respond(result.failure) };
      principal = result.principal;
    }
    const management = jwtManagementPrincipal(principal, settings.claims);
    if (management === null) return { ok: false, response: keyward.respond({ code: 'invalid_token', reason: 'claims' }) };
    return { ok: true, caller: { management, principal: policyPrincipal(management, principal) } };
  }

  return async function resolve(headers: HeaderInput, raw: unknown, verified?: Principal): Promise<CallerOutcome> {
    // A principal the adapter verified earlier is a JWT caller; without the framework request
    // (`raw`) there is nothing to hand to `authenticate`, so only a Bearer token can get in.
    if (settings.authenticate !== undefined && verified === undefined && raw !== undefined) {
      let returned: unknown;
      try {
        returned = await (settings.authenticate as ManagementAuthenticate<unknown>)(raw);
      } catch (error) {
        const name = error instanceof Error ? error.name : typeof error;
        warnOnce('failed', `keyward: the management "authenticate" function failed (${name}); management requests answer 503 auth_unavailable while it does`);
        return unavailable();
      }
      const session = readSessionPrincipal(returned);
      if (session === 'malformed') {
        warnOnce('malformed', 'keyward: the management "authenticate" function returned something other than null or { ownerId: string, orgId?: string | null, roles?: string[], scopes?: string[] }; management requests answer 503 auth_unavailable');
        return unavailable();
      }
      if (session !== null) return { ok: true, caller: { management: session, principal: policyPrincipal(session, null) } };
    }
    return fromJwt(headers, verified);
  };
}
