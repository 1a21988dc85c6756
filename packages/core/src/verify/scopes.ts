import type { FailureOf } from '../errors.js';
import { KeywardConfigError } from '../errors.js';
import type { Principal } from './principal.js';

/**
 * Scope strings: words of letters, digits, `_`, `-` or `.`, joined by `:`; a grant may end in
 * `:*` (every scope under that namespace) or be `*` (everything). Wildcards are grants, never
 * requirements.
 */
const SCOPE_PATTERN = /^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*$/;
const GRANT_PATTERN = /^(?:\*|[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*(?::\*)?)$/;

/** True for a scope that may be required by a route (no wildcard). */
export function isValidScope(scope: unknown): scope is string {
  return typeof scope === 'string' && scope.length <= 128 && SCOPE_PATTERN.test(scope);
}

/** True for a scope that may be granted to a key (wildcards allowed). */
export function isValidGrant(scope: unknown): scope is string {
  return typeof scope === 'string' && scope.length <= 128 && GRANT_PATTERN.test(scope);
}

/**
 * Does the set of `granted` scopes include `required`? `*` grants everything; `agents:*` grants
 * every scope that starts with `agents:`.
 *
 * @example
 * ```ts
 * scopeGranted(['agents:*'], 'agents:run'); // true
 * scopeGranted(['agents:read'], 'agents:run'); // false
 * ```
 */
export function scopeGranted(granted: readonly string[], required: string): boolean {
  for (const g of granted) {
    if (g === required || g === '*') return true;
    if (g.length >= 2 && g.charCodeAt(g.length - 1) === 0x2a && g.charCodeAt(g.length - 2) === 0x3a) {
      // "ns:*" matches "ns:anything"
      if (required.length > g.length - 1 && required.startsWith(g.slice(0, -1))) return true;
    }
  }
  return false;
}

/** How a list of required scopes combines: all of them (default) or any one. */
export type ScopeMode = 'all' | 'any';

/** A compiled scope requirement: validated once, checked per request. */
export interface ScopeRequirement {
  readonly scopes: readonly string[];
  readonly mode: ScopeMode;
  /** `null` when granted, else the `insufficient_scope` failure. */
  check(principal: Pick<Principal, 'scopes'>): FailureOf<'insufficient_scope'> | null;
}

/**
 * Validate a route's scope requirement once (throws {@link KeywardConfigError} on a bad scope),
 * and return a fast checker.
 *
 * @example
 * ```ts
 * const canRun = compileScopes(['agents:run']);
 * const failure = canRun.check(principal); // null when allowed
 * const readOrWrite = compileScopes(['triage:read', 'triage:write'], { mode: 'any' });
 * ```
 */
export function compileScopes(scopes: string | readonly string[], options: { mode?: ScopeMode } = {}): ScopeRequirement {
  const list = typeof scopes === 'string' ? [scopes] : [...scopes];
  const mode = options.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') throw new KeywardConfigError(`scope mode must be "all" or "any", got ${JSON.stringify(mode)}`);
  if (list.length === 0) throw new KeywardConfigError('requireScopes needs at least one scope');
  for (const s of list) {
    if (!isValidScope(s)) throw new KeywardConfigError(`requireScopes: ${JSON.stringify(s)} is not a valid scope (wildcards are for grants only)`);
  }
  const required = Object.freeze(list);
  return Object.freeze<ScopeRequirement>({
    scopes: required,
    mode,
    check(principal) {
      // Runs on every request of a guarded route: plain loops, no closure per call.
      const granted = principal.scopes;
      const all = mode === 'all';
      let ok = all;
      for (const s of required) {
        if (scopeGranted(granted, s) !== all) {
          ok = !all;
          break;
        }
      }
      return ok ? null : { code: 'insufficient_scope', required, provided: granted, mode };
    },
  });
}

/**
 * The organization guard: `null` when the principal belongs to `orgId`, else `forbidden_organization`.
 *
 * @example
 * ```ts
 * const failure = checkOrganization(principal, registry.orgId);
 * ```
 */
export function checkOrganization(principal: Pick<Principal, 'orgId'>, orgId: string): FailureOf<'forbidden_organization'> | null {
  return principal.orgId !== null && principal.orgId === orgId ? null : { code: 'forbidden_organization', orgId };
}
