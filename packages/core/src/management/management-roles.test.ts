import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { T0, setup } from '../../test/helpers.js';
import { KeywardConfigError } from '../errors.js';
import { createManagementApi } from './management.js';
import type { ManagementOptions, ManagementRequest } from './management.js';

const SECRET = 'management-roles-secret-0123456789-0123456789';

const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 3600).sign(new TextEncoder().encode(SECRET));

function fixture(options: ManagementOptions<{ user?: unknown }> = {}, allowedScopes: string[] | null = ['agents:run', 'agents:read', 'triage:read']) {
  const ctx = setup({ jwt: { secret: SECRET }, keys: allowedScopes === null ? {} : { allowedScopes } });
  const api = createManagementApi(ctx.keyward, options);
  const call = async (request: Partial<ManagementRequest> & { method: string; path: string }) => {
    const res = await api.handle({ headers: {}, ...request });
    if (res === null) throw new Error('not a management route');
    return res;
  };
  return { ...ctx, api, call };
}

describe('management: options, claims, sessions', () => {
  it('checks the new options at start-up', () => {
    const { keyward } = setup({ jwt: { secret: SECRET }, keys: { allowedScopes: ['a:b'] } });
    expect(() => createManagementApi(keyward, { authenticate: 'cookie' as never })).toThrow(/"authenticate" must be a function/);
    expect(() => createManagementApi(keyward, { adminRole: '' })).toThrow(/"adminRole"/);
    expect(() => createManagementApi(keyward, { claims: { org: 3 as never } })).toThrow(/"claims.org"/);
    expect(() => createManagementApi(keyward, { scopeDescriptions: { 'a:b': 1 as never } })).toThrow(/"scopeDescriptions.a:b"/);
    expect(() => createManagementApi(keyward, { adminRoles: 'x' } as never)).toThrow(KeywardConfigError);
    expect(() => createManagementApi(keyward, { ui: true, adminRole: 'owner', claims: { roles: 'perms' }, scopeDescriptions: {} })).not.toThrow();
  });

  it('maps the owner, organization and roles from the claims option; a token without the owner claim is invalid_token', async () => {
    const { call } = fixture({ claims: { owner: 'uid', org: 'tenant', roles: 'perms' }, adminRole: 'owner' });
    const headers = { authorization: `Bearer ${await token({ sub: 'ignored', uid: 'u-7', tenant: 't1', perms: 'owner dev' })}` };
    expect((await call({ method: 'GET', path: '/me', headers })).body).toMatchObject({ ownerId: 'u-7', orgId: 't1', roles: ['owner', 'dev'], admin: true });
    const created = await call({ method: 'POST', path: '/', headers, body: { nickname: 'k' } });
    expect(created.status).toBe(201);
    const missing = await call({ method: 'GET', path: '/', headers: { authorization: `Bearer ${await token({ sub: 'x', tenant: 't1' })}` } });
    expect(missing.body).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('GET /me offers allowedScopes (those the caller holds under scopePolicy "caller") with their descriptions', async () => {
    const descriptions = { 'agents:run': 'Run agents' };
    const headers = { authorization: `Bearer ${await token({ sub: 'u1', org: 'acme', scope: 'agents:* other:x' })}` };
    const caller = fixture({ scopePolicy: 'caller', scopeDescriptions: descriptions });
    expect((await caller.call({ method: 'GET', path: '/me', headers })).body.scopes).toEqual([{ name: 'agents:run', description: 'Run agents' }, { name: 'agents:read', description: null }]);
    const open = fixture({ scopeDescriptions: descriptions });
    expect(((await open.call({ method: 'GET', path: '/me', headers })).body.scopes as unknown[])).toHaveLength(3);
    const noList = fixture({ scopePolicy: 'caller' }, null);
    expect((await noList.call({ method: 'GET', path: '/me', headers })).body.scopes).toEqual([{ name: 'agents:*', description: null }, { name: 'other:x', description: null }]);
    const byFunction = fixture({ scopePolicy: () => true, scopeDescriptions: descriptions }, null);
    expect((await byFunction.call({ method: 'GET', path: '/me', headers })).body.scopes).toEqual([{ name: 'agents:run', description: 'Run agents' }]);
    expect(await caller.api.handle({ method: 'DELETE', path: '/me', headers })).toBeNull();
  });

  it('session callers: authenticate gets raw, the policy gets the session, a failure is a 503 logged once', async () => {
    let fail: unknown = null;
    const seen: unknown[] = [];
    const { call, warnings, keyward } = fixture({
      authenticate: (raw) => {
        if (fail !== null) throw fail;
        return raw.user as never;
      },
      scopePolicy: (caller, requested, management) => {
        seen.push({ caller: caller.ownerId, management });
        return requested;
      },
    });
    const user = { ownerId: 'u1', orgId: 'acme', roles: ['dev'], scopes: [] };
    const csrf = { 'x-keyward-csrf': '1' };
    const created = await call({ method: 'POST', path: '/', headers: csrf, raw: { user }, body: { nickname: 'k', scopes: ['agents:read'] } });
    expect(created.status).toBe(201);
    expect(seen).toEqual([{ caller: 'u1', management: { ...user, via: 'session' } }]);
    expect((await keyward.keys.list('u1')).map((k) => k.nickname)).toEqual(['k']);
    // Without raw (an adapter that does not pass it), authenticate is not asked: only a Bearer token gets in.
    expect((await call({ method: 'GET', path: '/', headers: {} })).status).toBe(401);
    expect((await call({ method: 'GET', path: '/', raw: {} })).body).toMatchObject({ code: 'missing_credentials' });
    for (const cause of [new TypeError('session store down'), 'plain string']) {
      fail = cause;
      const res = await call({ method: 'GET', path: '/', raw: { user } });
      expect(res).toMatchObject({ status: 503, body: { code: 'auth_unavailable' }, headers: { 'retry-after': '5' } });
    }
    fail = null;
    for (const bad of [{ ownerId: 7 }, { ownerId: 'u1', roles: 'admin' }]) {
      expect((await call({ method: 'GET', path: '/', raw: { user: bad } })).status).toBe(503);
    }
    expect(warnings.filter((w) => w.includes('"authenticate"'))).toHaveLength(2); // once per kind, never the value
    expect(warnings.join('\n')).not.toContain('session store down');
  });

  it('an adapter that authenticated earlier passes principal and caller on; the CSRF check still applies', async () => {
    const { api, call } = fixture({ authenticate: (raw) => raw.user as never });
    const auth = await api.authenticate({}, { user: { ownerId: 'u1' } });
    if (!auth.ok) throw new Error('expected a caller');
    expect(auth.caller).toMatchObject({ ownerId: 'u1', via: 'session' });
    const refused = await call({ method: 'POST', path: '/', principal: auth.principal, caller: auth.caller, body: { nickname: 'k' } });
    expect(refused.body).toMatchObject({ status: 403, error: 'Forbidden', code: 'csrf_failed' });
    const ok = await call({ method: 'POST', path: '/', principal: auth.principal, caller: auth.caller, headers: { 'x-keyward-csrf': '1' }, body: { nickname: 'k' } });
    expect(ok.status).toBe(201);
  });
});
