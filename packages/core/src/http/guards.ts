import type { AuthFailure } from '../errors.js';
import type { Keyward } from '../keyward.js';
import { KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Principal } from '../verify/principal.js';
import type { ScopeMode, ScopeRequirement } from '../verify/scopes.js';
import { checkOrganization, compileScopes } from '../verify/scopes.js';

/**
 * The arguments every adapter's `requireScopes` takes: scopes as separate strings (all required),
 * or one list plus `{ mode: 'all' | 'any' }`.
 */
export type ScopeGuardArguments = string[] | [scopes: readonly string[], options?: { readonly mode?: ScopeMode }];

/** A compiled scope check: the failure to answer with, or `null` to let the request through. */
export interface ScopeGuard {
  (principal: Principal | null | undefined): AuthFailure | null;
  readonly requirement: ScopeRequirement;
}

/** A compiled organization check: the failure to answer with, or `null` to let the request through. */
export type OrganizationGuard<Context> = (principal: Principal | null | undefined, context: Context) => AuthFailure | null;

const ANONYMOUS: AuthFailure = Object.freeze({ code: 'missing_credentials' });

/**
 * Compile a scope guard once (bad scopes throw {@link KeywardConfigError} at start-up). An anonymous
 * request (optional auth, no credential) fails with `missing_credentials` (401), a principal
 * without the scopes with `insufficient_scope` (403).
 *
 * @example
 * ```ts
 * const guard = createScopeGuard('agents:run');                  // or createScopeGuard(['a', 'b'], { mode: 'any' })
 * const failure = guard(req.auth);                               // null when allowed
 * if (failure) send(keyward.respond(failure));
 * ```
 */
export function createScopeGuard(...args: ScopeGuardArguments): ScopeGuard {
  const [first, second] = args;
  let requirement: ScopeRequirement;
  if (Array.isArray(first)) {
    if (args.length > 2) throw new KeywardConfigError('requireScopes(scopes, options): expected one list of scopes and an options object such as { mode: "any" }');
    const options = checkOptions('requireScopes', second as { readonly mode?: ScopeMode } | undefined, { mode: true });
    requirement = compileScopes(first as readonly string[], options.mode === undefined ? {} : { mode: options.mode });
  } else {
    requirement = compileScopes(args as string[]);
  }
  const guard = (principal: Principal | null | undefined) => (principal == null ? ANONYMOUS : requirement.check(principal));
  return Object.assign(guard, { requirement });
}

/**
 * Compile an organization guard: the principal must belong to `orgId`, either fixed or read from
 * the request (`(ctx) => ctx.params.org`). Anonymous → `missing_credentials` (401); another
 * organization, no organization, or a resolver that returns nothing → `forbidden_organization` (403).
 *
 * @example
 * ```ts
 * const guard = createOrganizationGuard((req: Request) => req.params.org);
 * const failure = guard(req.auth, req);
 * ```
 */
export function createOrganizationGuard<Context>(orgId: string | ((context: Context) => string | null | undefined)): OrganizationGuard<Context> {
  if (typeof orgId !== 'function' && (typeof orgId !== 'string' || orgId.length === 0)) {
    throw new KeywardConfigError('requireOrganization(orgId): orgId must be a non-empty string or a function of the request');
  }
  return (principal, context) => {
    if (principal == null) return ANONYMOUS;
    const expected = typeof orgId === 'function' ? orgId(context) : orgId;
    if (typeof expected !== 'string' || expected.length === 0) return { code: 'forbidden_organization', orgId: null }; // no organization to name
    return checkOrganization(principal, expected);
  };
}

/**
 * Check that `value` is a keyward instance (from `createKeyward`), so that a wrong first argument
 * fails at start-up rather than on the first request.
 *
 * @example
 * ```ts
 * assertKeyward('apiKeyAuth', keyward);
 * ```
 */
export function assertKeyward(where: string, value: unknown): asserts value is Keyward {
  const k = value as { authenticate?: unknown; respond?: unknown; keys?: unknown } | null | undefined;
  if (typeof k !== 'object' || k === null || typeof k.authenticate !== 'function' || typeof k.respond !== 'function' || typeof k.keys !== 'object') {
    throw new KeywardConfigError(`${where}: the first argument must be a keyward instance from createKeyward()`);
  }
}
