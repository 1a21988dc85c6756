import { KeywardConfigError } from '../errors.js';
import { isValidGrant, scopeGranted } from '../verify/scopes.js';
import { CSRF_HEADER } from './csrf.js';
import type { ManagementPrincipal } from './principal.js';
import { isOrgAdmin } from './principal.js';

/** What `GET /me` needs from the management options and the keyward instance. */
export interface MeSettings {
  readonly adminRole: string;
  /** `keys.allowedScopes` of the keyward instance, when configured. */
  readonly allowedScopes: readonly string[] | undefined;
  /** Whether `scopePolicy` is `'caller'`. */
  readonly callerPolicy: boolean;
  readonly scopeDescriptions: Readonly<Record<string, string>>;
}

/** Check the `scopeDescriptions` option once: an object of scope → description strings. */
export function checkScopeDescriptions(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new KeywardConfigError('apiKeyManagement: "scopeDescriptions" must be an object of scope name → description');
  for (const [scope, text] of Object.entries(value)) {
    if (typeof text !== 'string') throw new KeywardConfigError(`apiKeyManagement: "scopeDescriptions.${scope}" must be a string`);
  }
  return Object.freeze({ ...(value as Record<string, string>) });
}

/**
 * The body of `GET /me`: who the caller is, whether it is an organization admin, the scopes it may
 * put on a key, and the header that state-changing browser requests carry.
 *
 * The scopes offered are `keys.allowedScopes`; without it, the caller's own scopes under
 * `scopePolicy: 'caller'`, else the names of `scopeDescriptions`. Under `scopePolicy: 'caller'`
 * only the ones the caller holds are kept. A function policy is not consulted (it sees the real
 * request on create), so a scope listed here may still be refused with 403 `forbidden_scope`.
 */
export function meBody(caller: ManagementPrincipal, settings: MeSettings): Record<string, unknown> {
  const base = settings.allowedScopes ?? (settings.callerPolicy ? caller.scopes : Object.keys(settings.scopeDescriptions));
  const grantable = base.filter((scope) => isValidGrant(scope) && (!settings.callerPolicy || scopeGranted(caller.scopes, scope)));
  return {
    ownerId: caller.ownerId,
    orgId: caller.orgId,
    roles: [...caller.roles],
    admin: isOrgAdmin(caller, settings.adminRole),
    scopes: [...new Set(grantable)].map((name) => ({ name, description: Object.hasOwn(settings.scopeDescriptions, name) ? settings.scopeDescriptions[name]! : null })),
    csrfHeader: CSRF_HEADER,
  };
}
