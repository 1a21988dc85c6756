import { KeywardConfigError } from '../errors.js';
import { isValidGrant, scopeGranted } from '../verify/scopes.js';
import type { Principal } from '../verify/principal.js';
import type { ManagementContext } from './context.js';
import type { ManagementPrincipal } from './principal.js';
import type { ManagementProblem } from './responses.js';

/**
 * Decides which scopes a management caller may put on a key it creates: `true` grants the
 * requested scopes, `false` refuses them (403 `forbidden_scope`), a list grants that list instead
 * (still checked against `keys.allowedScopes`). Wildcards (`agents:*`, `*`) are granted only when
 * the policy lets them through. The third argument is the caller as the management API sees it
 * (owner, organization, roles, `via: 'jwt' | 'session'`); for a session caller `caller` is built
 * from the session (`type: 'jwt'`, no key, `metadata: { via: 'session', roles }`).
 *
 * @example
 * ```ts
 * const adminsOnly: ScopePolicy = (caller, requested) => caller.metadata.role === 'admin' || requested.every((s) => !s.includes('*'));
 * ```
 */
export type ScopePolicy = (caller: Principal, requested: readonly string[], management: ManagementPrincipal) => boolean | readonly string[] | Promise<boolean | readonly string[]>;

/**
 * `scopePolicy` of the management API: `'caller'` lets a caller grant only scopes its own token
 * holds (its `scope`/`scp` claim, with the wildcard rules of `requireScopes`), or a {@link ScopePolicy}.
 */
export type ScopePolicyOption = 'caller' | ScopePolicy;

/** The compiled policy: the scopes to create the key with, or the problem that refuses them. */
export type ScopeDecision = (caller: Principal, requested: unknown, management: ManagementPrincipal) => Promise<{ readonly ok: true; readonly scopes: unknown } | { readonly ok: false; readonly problem: ManagementProblem }>;

const forbidden = (scope?: string): { ok: false; problem: ManagementProblem } => ({
  ok: false,
  problem: {
    code: 'forbidden_scope',
    message: scope === undefined ? 'This token cannot grant the requested scopes.' : `This token cannot grant the scope ${JSON.stringify(scope)}.`,
    field: 'scopes',
  },
});

/**
 * Check `scopePolicy` once. Without a policy, `keys.allowedScopes` must be configured: otherwise any
 * caller could mint keys with any scope, `*` included, and mounting the API is a configuration error.
 */
export function compileScopePolicy(option: unknown, context: ManagementContext): ScopeDecision {
  const allowed = context.allowedScopes;
  if (option === undefined && allowed === undefined) {
    throw new KeywardConfigError(
      'apiKeyManagement: set "scopePolicy" ("caller", or a function (caller, requestedScopes) => boolean | string[]) or "keys.allowedScopes" of createKeyward; without either a caller could mint keys with any scope, "*" included',
    );
  }
  if (option !== undefined && option !== 'caller' && typeof option !== 'function') {
    throw new KeywardConfigError('apiKeyManagement: "scopePolicy" must be "caller" or a function (caller, requestedScopes) => boolean | string[]');
  }
  const policy = option as ScopePolicyOption | undefined;
  return async (caller, rawScopes, management) => {
    const requested = rawScopes ?? context.defaultScopes;
    // Scopes the key manager will refuse anyway (wrong shape, not allowed) get its 422, not a 403.
    const checkable = Array.isArray(requested) && requested.every((s) => isValidGrant(s) && (allowed === undefined || allowed.includes(s)));
    if (policy === undefined || !checkable) return { ok: true, scopes: rawScopes };
    const list = requested as readonly string[];
    if (policy === 'caller') {
      const missing = list.find((s) => !scopeGranted(caller.scopes, s));
      return missing === undefined ? { ok: true, scopes: list } : forbidden(missing);
    }
    const verdict = await policy(caller, Object.freeze([...list]), management);
    if (verdict === true) return { ok: true, scopes: list };
    return Array.isArray(verdict) ? { ok: true, scopes: [...(verdict as readonly unknown[])] } : forbidden();
  };
}
