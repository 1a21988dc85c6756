import { Readable } from 'node:stream';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { T0, setup } from '../../test/helpers.js';
import { KeywardConfigError } from '../errors.js';
import { createManagementApi } from './management.js';
import type { ManagementRequest } from './management.js';

const SECRET = 'management-secret-0123456789-0123456789';
const jwt = { secret: SECRET };

async function token(sub: string | undefined, org?: string) {
  const builder = new SignJWT(org === undefined ? {} : { org }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 3600);
  if (sub !== undefined) builder.setSubject(sub);
  return builder.sign(new TextEncoder().encode(SECRET));
}

function fixture() {
  const ctx = setup({ jwt, keys: { allowedScopes: ['agents:run', 'agents:read'] } });
  const api = createManagementApi(ctx.keyward);
  const call = async (method: string, path: string, tokenValue: string | null, body?: unknown, extra: Partial<ManagementRequest> = {}) => {
    const headers: Record<string, string> = tokenValue === null ? {} : { authorization: `Bearer ${tokenValue}` };
    const res = await api.handle({ method, path, headers, body, ...extra });
    if (res === null) throw new Error('not a management route');
    expect(JSON.parse(res.json)).toEqual(res.body);
    return res;
  };
  return { ...ctx, api, call };
}

describe('createManagementApi', () => {
  it('creates (201, no-store, the key once), lists without secrets, rotates and deletes', async () => {
    const { call, keyward, clock } = fixture();
    const alice = await token('alice', 'acme');
    const created = await call('POST', '/', alice, JSON.stringify({ nickname: 'ci', scopes: ['agents:run'], expiresAt: '2031-01-01T00:00:00Z' }));
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(Object.keys(created.body).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'key', 'nickname', 'scopes', 'updatedAt']);
    expect(created.body).toMatchObject({ nickname: 'ci', scopes: ['agents:run'], expiresAt: '2031-01-01T00:00:00.000Z', createdAt: new Date(T0).toISOString() });
    const key = created.body.key as string;
    const auth = await keyward.authenticate({ 'x-api-key': key });
    expect(auth.ok && auth.principal).toMatchObject({ ownerId: 'alice', orgId: 'acme' });

    const list = await call('GET', '', alice);
    expect(list.status).toBe(200);
    const apiKeys = list.body.apiKeys as Record<string, unknown>[];
    expect(apiKeys).toHaveLength(1);
    expect(Object.keys(apiKeys[0]!).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'lastUsedAt', 'nickname', 'scopes', 'start', 'updatedAt']);
    expect(list.json).not.toContain(key);

    const rotated = await call('POST', `/${created.body.id as string}/rotate?x=1`, alice, { gracePeriodSeconds: 60 });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ nickname: 'ci', scopes: ['agents:run'] });
    expect((await keyward.authenticate({ 'x-api-key': key })).ok).toBe(true);
    clock.advance(61_000);
    expect(await keyward.authenticate({ 'x-api-key': key })).toMatchObject({ ok: false, failure: { code: 'expired_api_key' } });

    const deleted = await call('DELETE', `/${rotated.body.id as string}/`, alice);
    expect(deleted).toMatchObject({ status: 200, body: { message: 'API key deleted successfully' } });
    expect(await keyward.authenticate({ 'x-api-key': rotated.body.key as string })).toMatchObject({ ok: false, failure: { code: 'revoked_api_key' } });
    expect((await call('DELETE', `/${rotated.body.id as string}`, alice)).status).toBe(404);
  });

  it('answers every error status of docs/management-api.md', async () => {
    const { call, store, keyward } = fixture();
    const alice = await token('alice', 'acme');
    const bob = await token('bob', 'acme');
    const first = await call('POST', '/', alice, { nickname: 'ci' });
    expect((await call('POST', '/', alice, { nickname: 'ci' })).status).toBe(409);
    expect((await call('POST', '/', alice, { nickname: 'x', scopes: ['admin'] })).body).toMatchObject({ status: 422, code: 'invalid_scope' });
    expect((await call('POST', '/', alice, { nickname: 'x', expiresAt: '2000-01-01T00:00:00Z' })).body).toMatchObject({ status: 422, code: 'invalid_expiry' });
    expect((await call('POST', '/', alice, '[1]')).status).toBe(422);
    expect((await call('POST', '/', alice, '')).status).toBe(422); // no nickname
    expect((await call('POST', '/', alice, '{"nickname":')).body).toMatchObject({ status: 400, code: 'invalid_json' });
    expect((await call('POST', `/${first.body.id as string}/rotate`, alice, { gracePeriodSeconds: -1 })).status).toBe(422);
    const other = await call('DELETE', `/${first.body.id as string}`, bob);
    expect(other.body).toMatchObject({ status: 401, code: 'not_owner' });
    // The token is valid: a bare challenge, so that the client keeps it.
    expect(other.headers['www-authenticate']).toBe('Bearer realm="keyward"');
    expect((await call('DELETE', '/key_unknown', alice)).status).toBe(404);
    const { key } = await keyward.keys.create({ ownerId: 'alice', nickname: 'k' });
    const withKey = await api401(call, key);
    expect(withKey.body).toMatchObject({ status: 401, code: 'invalid_token' });
    expect((await call('GET', '/', null)).body).toMatchObject({ status: 401, code: 'missing_credentials' });
    expect((await call('GET', '/', await token(undefined, 'acme'))).status).toBe(401);
    store.fail('error');
    const down = await call('GET', '/', alice);
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
  });

  it('reads request streams and bytes only after authentication, with a size limit', async () => {
    const { keyward, call } = fixture();
    const api = createManagementApi(keyward, { bodyLimitBytes: 64 });
    expect(api.bodyLimitBytes).toBe(64);
    expect(createManagementApi(keyward).bodyLimitBytes).toBe(65_536);
    const alice = await token('alice');
    let read = false;
    const stream = Readable.from((function* () {
      read = true;
      yield Buffer.from('{"nickname":"streamed"}');
    })());
    expect((await api.handle({ method: 'POST', path: '/', headers: {}, body: stream }))?.status).toBe(401);
    expect(read).toBe(false);
    const ok = await api.handle({ method: 'post', path: '/', headers: { authorization: `Bearer ${alice}` }, body: stream });
    expect(ok).toMatchObject({ status: 201, body: { nickname: 'streamed' } });
    const big = await api.handle({ method: 'POST', path: '/', headers: { authorization: `Bearer ${alice}` }, body: Readable.from([Buffer.alloc(100, 32)]) });
    expect(big?.status).toBe(413);
    expect(big).toMatchObject({ headers: { 'cache-control': 'no-store' }, body: { status: 413, error: 'Content Too Large', code: 'body_too_large' } });
    const bytes = await call('POST', '/', alice, new TextEncoder().encode('{"nickname":"bytes"}'));
    expect(bytes.status).toBe(201);
  });

  it('passes on what is not a management route, and rejects bad options', async () => {
    const { api } = fixture();
    for (const [method, path] of [['PUT', '/'], ['PATCH', '/'], ['PUT', '/x'], ['POST', '/x'], ['POST', '/x/rotate/y'], ['GET', '/x/rotate']] as const) {
      expect(await api.handle({ method, path, headers: {} })).toBeNull();
    }
    const { keyward } = fixture();
    expect(() => createManagementApi(keyward, { limit: 1 } as never)).toThrow(KeywardConfigError);
    expect(() => createManagementApi(keyward, { bodyLimitBytes: 0.5 })).toThrow(/bodyLimitBytes/);
    expect(() => createManagementApi({ ...keyward })).toThrow(/keyward instance/);
  });
});

async function api401(call: ReturnType<typeof fixture>['call'], key: string) {
  const res = await call('GET', '/', key);
  expect(res.status).toBe(401);
  return res;
}
