import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { T0, setup } from '../../test/helpers.js';
import type { KeywardOptions } from '../keyward.js';
import { KeywardConfigError } from '../errors.js';
import { createManagementApi } from './management.js';
import type { ManagementOptions } from './management.js';

const SECRET = 'scope-policy-secret-0123456789-0123456789';

const token = (claims: Record<string, unknown>) =>
  new SignJWT({ org: 'acme', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 600).sign(new TextEncoder().encode(SECRET));

function fixture(options: ManagementOptions, keys?: KeywardOptions['keys']) {
  const { keyward } = setup({ jwt: { secret: SECRET }, ...(keys === undefined ? {} : { keys }) });
  const api = createManagementApi(keyward, options);
  let n = 0;
  /** Create a key as a caller holding `held` (a `scope` claim string, or `scp` array), asking for `scopes`. */
  const create = async (held: string | string[] | undefined, scopes?: unknown) => {
    const claims = held === undefined ? {} : typeof held === 'string' ? { scope: held } : { scp: held };
    const body = JSON.stringify({ nickname: `k${++n}`, ...(scopes === undefined ? {} : { scopes }) });
    const res = await api.handle({ method: 'POST', path: '/', headers: { authorization: `Bearer ${await token(claims)}` }, body });
    return res!;
  };
  return { keyward, create };
}

describe('scope policy of the management API', () => {
  it('is a configuration error to mount the API with neither scopePolicy nor keys.allowedScopes', () => {
    const { keyward } = setup({ jwt: { secret: SECRET } });
    expect(() => createManagementApi(keyward)).toThrow(KeywardConfigError);
    expect(() => createManagementApi(keyward)).toThrow(/"scopePolicy".*"keys.allowedScopes"/);
    expect(() => createManagementApi(keyward, { scopePolicy: 'callers' as never })).toThrow(/scopePolicy/);
    expect(() => createManagementApi(keyward, { scopePolicy: 'caller' })).not.toThrow();
    expect(() => createManagementApi(setup({ jwt: { secret: SECRET }, keys: { allowedScopes: ['a:b'] } }).keyward)).not.toThrow();
  });

  it('"caller": a token holding only agents:read cannot mint ["*", "admin:*"] (403 forbidden_scope)', async () => {
    const { create } = fixture({ scopePolicy: 'caller' });
    const res = await create('agents:read', ['*', 'admin:*']);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: 403, error: 'Forbidden', code: 'forbidden_scope', field: 'scopes', message: 'This token cannot grant the scope "*".' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await create('agents:read', ['agents:read'])).status).toBe(201);
    expect((await create('agents:read', ['agents:run'])).status).toBe(403);
    expect((await create('agents:read', [])).status).toBe(201);
    expect((await create(undefined, ['agents:read'])).status).toBe(403);
  });

  it('"caller" uses the wildcard rules of requireScopes: a wildcard is granted only by a wildcard that covers it', async () => {
    const { create } = fixture({ scopePolicy: 'caller' });
    const ok = await create(['agents:*'], ['agents:run', 'agents:*', 'agents:x:*']);
    expect(ok).toMatchObject({ status: 201, body: { scopes: ['agents:run', 'agents:*', 'agents:x:*'] } });
    for (const scopes of [['*'], ['triage:read'], ['agents']]) expect((await create(['agents:*'], scopes)).status).toBe(403);
    expect((await create('*', ['*', 'billing:admin'])).status).toBe(201);
  });

  it('"caller" checks the default scopes of a key created without scopes, and leaves unknown scopes to the 422', async () => {
    const { create } = fixture({ scopePolicy: 'caller' }, { allowedScopes: ['agents:read', 'agents:run'], defaultScopes: ['agents:read'] });
    expect((await create(undefined)).body).toMatchObject({ code: 'forbidden_scope' });
    expect(await create('agents:read')).toMatchObject({ status: 201, body: { scopes: ['agents:read'] } });
    expect((await create('agents:read', ['billing:admin'])).body).toMatchObject({ status: 422, code: 'invalid_scope' });
    expect((await create('agents:read', 'agents:read')).body).toMatchObject({ status: 422, code: 'invalid_input' });
  });

  it('a function decides: true grants, false refuses, a list replaces (still checked against keys.allowedScopes)', async () => {
    const seen: unknown[] = [];
    const { create } = fixture(
      {
        scopePolicy: async (caller, requested) => {
          seen.push([caller.ownerId, caller.orgId, [...requested]]);
          if (requested.includes('narrow')) return ['agents:read'];
          if (requested.includes('bad')) return ['not allowed'];
          return caller.metadata.role === 'admin' || !requested.some((s) => s.includes('*'));
        },
      },
      { allowedScopes: ['agents:read', 'agents:*', 'narrow', 'bad'] },
    );
    expect((await create(undefined, ['agents:read'])).status).toBe(201);
    expect((await create(undefined, ['agents:*'])).body).toMatchObject({ status: 403, code: 'forbidden_scope', message: 'This token cannot grant the requested scopes.' });
    expect(seen).toEqual([['alice', 'acme', ['agents:read']], ['alice', 'acme', ['agents:*']]]);
    expect(await create(undefined, ['narrow'])).toMatchObject({ status: 201, body: { scopes: ['agents:read'] } });
    expect((await create(undefined, ['bad'])).body).toMatchObject({ status: 422, code: 'invalid_scope' });
  });

  it('a policy that throws is a bare 500', async () => {
    const { create } = fixture({ scopePolicy: () => { throw new Error('policy store down: eck_live_x'); } }, { allowedScopes: ['a:b'] });
    const res = await create(undefined, ['a:b']);
    expect(res).toMatchObject({ status: 500, body: { code: 'internal_error' } });
    expect(res.json).not.toContain('eck_live');
  });
});
