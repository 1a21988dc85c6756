import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import type { Principal } from '../verify/principal.js';
import { checkClaims, isOrgAdmin, jwtManagementPrincipal, policyPrincipal, readSessionPrincipal } from './principal.js';

const jwt = (metadata: Record<string, unknown>, orgId: string | null = 'acme'): Principal => ({
  type: 'jwt', keyId: null, ownerId: String(metadata.sub), orgId, nickname: null, scopes: ['agents:read'], environment: null, expiresAt: null, metadata,
});

describe('management principals', () => {
  it('maps JWT claims: sub, the keyward org claim and roles by default; other claim names by option', () => {
    expect(jwtManagementPrincipal(jwt({ sub: 'u1', roles: ['admin', 7, 'dev'] }), {})).toEqual({ ownerId: 'u1', orgId: 'acme', roles: ['admin', 'dev'], scopes: ['agents:read'], via: 'jwt' });
    expect(jwtManagementPrincipal(jwt({ sub: 'u1', roles: ' admin  dev ' }), {})?.roles).toEqual(['admin', 'dev']);
    expect(jwtManagementPrincipal(jwt({ sub: 'u1', roles: { admin: true } }), {})?.roles).toEqual([]);
    const custom = jwtManagementPrincipal(jwt({ sub: 'u1', uid: 'user-9', tenant: 't1', perms: 'admin' }), { owner: 'uid', org: 'tenant', roles: 'perms' });
    expect(custom).toMatchObject({ ownerId: 'user-9', orgId: 't1', roles: ['admin'] });
    expect(jwtManagementPrincipal(jwt({ sub: 'u1', tenant: 5 }), { org: 'tenant' })?.orgId).toBeNull();
    expect(jwtManagementPrincipal(jwt({ sub: 'u1' }), { owner: 'uid' })).toBeNull();
    expect(jwtManagementPrincipal(jwt({ sub: 'u1', uid: 42 }), { owner: 'uid' })).toBeNull();
  });

  it('reads what authenticate returned: null passes on, a principal is a session, anything else is malformed', () => {
    expect(readSessionPrincipal(null)).toBeNull();
    expect(readSessionPrincipal(undefined)).toBeNull();
    expect(readSessionPrincipal({ ownerId: 'u1' })).toEqual({ ownerId: 'u1', orgId: null, roles: [], scopes: [], via: 'session' });
    expect(readSessionPrincipal({ ownerId: 'u1', orgId: 'acme', roles: ['admin'], scopes: ['agents:*'], via: 'jwt' })).toMatchObject({ orgId: 'acme', via: 'session' });
    for (const bad of [{}, { ownerId: '' }, { ownerId: 42 }, { ownerId: 'u1', orgId: '' }, { ownerId: 'u1', roles: 'admin' }, { ownerId: 'u1', scopes: ['bad scope'] }, 'u1', [], true]) {
      expect(readSessionPrincipal(bad)).toBe('malformed');
    }
  });

  it('gives scope policies a Principal, and tells admins by role and organization', () => {
    const session = { ownerId: 'u1', orgId: 'acme', roles: ['admin'], scopes: ['a:b'], via: 'session' as const };
    expect(policyPrincipal(session, null)).toMatchObject({ type: 'jwt', ownerId: 'u1', orgId: 'acme', scopes: ['a:b'], metadata: { via: 'session', roles: ['admin'] } });
    const verified = jwt({ sub: 'u1' });
    expect(policyPrincipal({ ...session, via: 'jwt' }, verified)).toBe(verified);
    expect(policyPrincipal({ ...session, ownerId: 'other', via: 'jwt' }, verified)).toMatchObject({ ownerId: 'other', metadata: { sub: 'u1' } });
    expect(isOrgAdmin(session, 'admin')).toBe(true);
    expect(isOrgAdmin(session, 'owner')).toBe(false);
    expect(isOrgAdmin({ ...session, orgId: null }, 'admin')).toBe(false);
  });

  it('checks the claims option', () => {
    expect(checkClaims(undefined)).toEqual({});
    expect(() => checkClaims({ role: 'roles' })).toThrow(/did you mean|unknown option "claims.role"/);
    expect(() => checkClaims({ owner: '' })).toThrow(KeywardConfigError);
    expect(() => checkClaims('sub')).toThrow(KeywardConfigError);
  });
});
