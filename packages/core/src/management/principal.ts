import { KeywardConfigError } from '../errors.js';
import { isValidGrant } from '../verify/scopes.js';
import type { Principal } from '../verify/principal.js';

/**
 * Who calls a management route, as the management API sees it: the account whose keys it manages
 * (`ownerId`), its organization, its roles (an `adminRole` holder with an organization is an
 * organization admin), the scopes it holds (what `scopePolicy: 'caller'` lets it grant), and how it
 * authenticated (`jwt`: a Bearer token; `session`: the `authenticate` option, e.g. a cookie session).
 *
 * @example
 * ```ts
 * const me: ManagementPrincipal = { ownerId: 'u1', orgId: 'acme', roles: ['admin'], scopes: ['agents:*'], via: 'session' };
 * ```
 */
export interface ManagementPrincipal {
  readonly ownerId: string;
  readonly orgId: string | null;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  readonly via: 'jwt' | 'session';
}

/**
 * What an `authenticate` function returns for a signed-in user: `ownerId` is required; `orgId`
 * (default `null`), `roles` and `scopes` (default none) are optional. `via` is always `'session'`.
 *
 * @example
 * ```ts
 * const authenticate = (req: Request): SessionPrincipal | null => req.session.user ? { ownerId: req.session.user.id, orgId: req.session.user.org, roles: req.session.user.roles } : null;
 * ```
 */
export interface SessionPrincipal {
  readonly ownerId: string;
  readonly orgId?: string | null;
  readonly roles?: readonly string[];
  readonly scopes?: readonly string[];
}

/**
 * The `authenticate` option: reads the caller from the framework request (Express `req`, Fastify
 * `request`, Koa `ctx`). A principal makes a session caller; `null` (or `undefined`) leaves the
 * request to the Bearer JWT path. A throw or a rejection is a 503 `auth_unavailable`.
 *
 * @example
 * ```ts
 * const authenticate: ManagementAuthenticate<Request> = (req) => (req.session.userId ? { ownerId: req.session.userId } : null);
 * ```
 */
export type ManagementAuthenticate<R = unknown> = (request: R) => SessionPrincipal | null | undefined | Promise<SessionPrincipal | null | undefined>;

/**
 * The `claims` option: which JWT claims name the owner (default `sub`), the organization (default
 * the `jwt.orgClaim` of `createKeyward`, itself `org` by default) and the roles (default `roles`;
 * an array of strings or one space-separated string).
 *
 * @example
 * ```ts
 * const claims: ManagementClaims = { org: 'https://example.com/org', roles: 'https://example.com/roles' };
 * ```
 */
export interface ManagementClaims {
  readonly owner?: string;
  readonly org?: string;
  readonly roles?: string;
}

const MAX_ID = 256;
const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID;
const stringList = (value: unknown): value is readonly string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Check the `claims` option once. */
export function checkClaims(claims: unknown): ManagementClaims {
  if (claims === undefined) return {};
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new KeywardConfigError('apiKeyManagement: "claims" must be an object { owner?, org?, roles? }');
  for (const [name, value] of Object.entries(claims)) {
    if (!['owner', 'org', 'roles'].includes(name)) throw new KeywardConfigError(`apiKeyManagement: unknown option "claims.${name}"; accepted: "claims.owner", "claims.org", "claims.roles"`, 'unknown_option');
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new KeywardConfigError(`apiKeyManagement: "claims.${name}" must be a non-empty claim name`);
  }
  return claims as ManagementClaims;
}

/** Roles from a claim value: an array (its strings) or a space-separated string; anything else none. */
function readRoles(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((role) => role !== '');
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string' && role !== '') : [];
}

/**
 * The management principal of a verified JWT, by the `claims` option. `null` when the owner claim
 * named there is missing or not a string (the token is then refused as `invalid_token`).
 */
export function jwtManagementPrincipal(principal: Principal, claims: ManagementClaims): ManagementPrincipal | null {
  const claim = (name: string) => principal.metadata[name];
  const ownerId = claims.owner === undefined ? principal.ownerId : claim(claims.owner);
  if (!isId(ownerId)) return null;
  const org = claims.org === undefined ? principal.orgId : claim(claims.org);
  const orgId = isId(org) ? org : null;
  return { ownerId, orgId, roles: readRoles(claim(claims.roles ?? 'roles')), scopes: principal.scopes, via: 'jwt' };
}

/**
 * Read what an `authenticate` function returned: `null` for none (the JWT path), a session
 * principal, or `'malformed'` when it is not a {@link SessionPrincipal} (a programming error).
 */
export function readSessionPrincipal(value: unknown): ManagementPrincipal | null | 'malformed' {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return 'malformed';
  const { ownerId, orgId = null, roles = [], scopes = [] } = value as Record<string, unknown>;
  if (!isId(ownerId) || (orgId !== null && !isId(orgId)) || !stringList(roles) || !stringList(scopes) || !scopes.every(isValidGrant)) return 'malformed';
  return { ownerId, orgId, roles: Object.freeze([...roles]), scopes: Object.freeze([...scopes]), via: 'session' };
}

/**
 * The {@link Principal} a scope policy receives: the verified JWT principal with the owner and
 * organization of the `claims` option, or, for a session caller, one built from the session
 * (`type: 'jwt'`, no key, `metadata: { via: 'session', roles }`).
 */
export function policyPrincipal(caller: ManagementPrincipal, verified: Principal | null): Principal {
  if (verified !== null) return verified.ownerId === caller.ownerId && verified.orgId === caller.orgId ? verified : { ...verified, ownerId: caller.ownerId, orgId: caller.orgId };
  return {
    type: 'jwt', keyId: null, ownerId: caller.ownerId, orgId: caller.orgId, nickname: null, scopes: caller.scopes,
    environment: null, expiresAt: null, metadata: Object.freeze({ via: caller.via, roles: caller.roles }),
  };
}

/** Whether the caller is an organization admin: it holds `adminRole` and has an organization. */
export const isOrgAdmin = (caller: ManagementPrincipal, adminRole: string): boolean => caller.orgId !== null && caller.roles.includes(adminRole);
