import type { Principal } from '../verify/principal.js';

/** Default name of the organization-admin role. */
export const DEFAULT_ADMIN_ROLE = 'admin';

/**
 * The roles of a management caller, read from its JWT `roles` claim (an array of strings, or one
 * space-separated string); none when absent. The one place the audit route learns roles from.
 *
 * @example
 * ```ts
 * rolesOf(principal); // ['admin'] for a token with { "roles": "admin billing" } → ['admin', 'billing']
 * ```
 */
export function rolesOf(principal: Principal): readonly string[] {
  const claim = principal.metadata['roles'];
  if (typeof claim === 'string') return claim.split(' ').filter((role) => role.length > 0);
  if (Array.isArray(claim)) return claim.filter((role): role is string => typeof role === 'string');
  return [];
}

/** Whether the caller administers its organization: it has one, and holds the admin role. */
export function isOrgAdmin(principal: Principal, adminRole: string = DEFAULT_ADMIN_ROLE): boolean {
  return principal.orgId !== null && rolesOf(principal).includes(adminRole);
}
