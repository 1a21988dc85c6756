import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from './http-scenarios-helpers.js';
import { expectFailure } from './http-scenarios-helpers.js';
import { sendOversizedBody } from './http-scenarios-raw.js';

const BASE = '/auth/api-keys';
const JSON_TYPE = { 'content-type': 'application/json' };
let accounts = 0;

/** The management routes (docs/management-api.md) over HTTP, revocation immediacy and rotation grace. */
export function managementScenarios(ctx: ScenarioContext): void {
  /** A fresh account in org `acme`, with helpers that call the management routes as it. */
  async function account() {
    const sub = `account_${++accounts}_${Math.random().toString(36).slice(2)}`;
    const auth = { authorization: `Bearer ${await ctx.token(sub, 'acme')}` };
    return {
      sub,
      auth,
      create: (body: unknown, headers: Record<string, string> = JSON_TYPE) =>
        ctx.request('POST', BASE, { ...auth, ...headers }, typeof body === 'string' ? body : JSON.stringify(body)),
      list: () => ctx.request('GET', BASE, auth),
      remove: (id: string) => ctx.request('DELETE', `${BASE}/${id}`, auth),
      rotate: (id: string, body?: unknown) => ctx.request('POST', `${BASE}/${id}/rotate`, { ...auth, ...JSON_TYPE }, body === undefined ? undefined : JSON.stringify(body)),
    };
  }

  describe('management routes', () => {
    it('POST creates a key: 201, no-store, the key once; owner = JWT sub, organization = JWT org', async () => {
      const me = await account();
      const res = await me.create({ nickname: 'ci', scopes: ['agents:run'], expiresAt: new Date(ctx.now() + 86_400_000).toISOString() });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'key', 'nickname', 'scopes', 'updatedAt']);
      expect(res.body).toMatchObject({ nickname: 'ci', scopes: ['agents:run'], createdAt: new Date(ctx.now()).toISOString() });
      const used = await ctx.request('GET', '/scopes/one', { 'x-api-key': res.body.key as string });
      expect(used.status).toBe(200);
      expect(used.body.auth).toMatchObject({ ownerId: me.sub, orgId: 'acme', keyId: res.body.id });
    });

    it('GET lists the caller live keys only, never the key value', async () => {
      const me = await account();
      const other = await account();
      const a = await me.create({ nickname: 'a', scopes: ['agents:read'] });
      const b = await me.create({ nickname: 'b' });
      await other.create({ nickname: 'theirs' });
      await me.remove(b.body.id as string);
      const res = await me.list();
      expect(res.status).toBe(200);
      const keys = res.body.apiKeys as Record<string, unknown>[];
      expect(keys.map((k) => k.id)).toEqual([a.body.id]);
      expect(Object.keys(keys[0]!).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'lastUsedAt', 'nickname', 'scopes', 'start', 'updatedAt']);
      expect(keys[0]).toMatchObject({ nickname: 'a', scopes: ['agents:read'], expiresAt: null });
      expect(String(keys[0]!.start)).toBe((a.body.key as string).slice(0, 'eck_live_'.length + 4));
      expect(JSON.stringify(res.body)).not.toContain(a.body.key as string);
    });

    it('answers 409 on a nickname clash, 422 on an unknown scope, a past expiry or a non-object, 400 on bad JSON', async () => {
      const me = await account();
      expect((await me.create({ nickname: 'dup' })).status).toBe(201);
      expect((await me.create({ nickname: 'dup' })).body).toMatchObject({ status: 409, code: 'nickname_conflict' });
      expect((await me.create({ nickname: 'x', scopes: ['billing:admin'] })).body).toMatchObject({ status: 422, code: 'invalid_scope' });
      expect((await me.create({ nickname: 'x', expiresAt: '2001-01-01T00:00:00Z' })).body).toMatchObject({ status: 422, code: 'invalid_expiry' });
      expect((await me.create({ scopes: [] })).status).toBe(422);
      expect((await me.create('[1,2]')).status).toBe(422);
      for (const headers of [JSON_TYPE, { 'content-type': 'text/plain' }, {}]) {
        const bad = await me.create('{"nickname": ', headers);
        expect(bad.body).toMatchObject({ status: 400, code: 'invalid_json' });
        expect(bad.status).toBe(400);
      }
      expect((await me.create('{"nickname":"plain"}', {})).status).toBe(201);
    });

    it('DELETE: 200 and the key stops working at once; 404 for an unknown id; 401 for another account key', async () => {
      const me = await account();
      const other = await account();
      const { key, id } = await ctx.mint();
      const created = await me.create({ nickname: 'to-delete' });
      const newKey = created.body.key as string;
      expect((await ctx.request('GET', '/protected', { 'x-api-key': newKey })).status).toBe(200); // now cached
      const theirs = await other.remove(created.body.id as string);
      expectFailure(theirs, 401, 'not_owner');
      const res = await me.remove(created.body.id as string);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'API key deleted successfully' });
      expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': newKey }), 401, 'revoked_api_key');
      expect((await me.remove(created.body.id as string)).status).toBe(404);
      expect((await me.remove('key_doesnotexist')).status).toBe(404);
      expect((await ctx.request('GET', '/protected', { 'x-api-key': key })).body.auth).toMatchObject({ keyId: id });
    });

    it('matches the organization as well as the owner: the same sub in another organization (or none) sees and touches nothing', async () => {
      const me = await account();
      const created = await me.create({ nickname: 'tenant', scopes: ['agents:read'] });
      const id = created.body.id as string;
      for (const org of ['evilcorp', undefined]) {
        const auth = { authorization: `Bearer ${await ctx.token(me.sub, org)}` };
        const list = await ctx.request('GET', BASE, auth);
        expect(list.status).toBe(200);
        expect(list.body.apiKeys).toEqual([]);
        expectFailure(await ctx.request('DELETE', `${BASE}/${id}`, auth), 401, 'not_owner');
        expectFailure(await ctx.request('POST', `${BASE}/${id}/rotate`, { ...auth, ...JSON_TYPE }, '{}'), 401, 'not_owner');
      }
      expect(((await me.list()).body.apiKeys as { id: string }[]).map((k) => k.id)).toEqual([id]);
      const used = await ctx.request('GET', '/protected', { 'x-api-key': created.body.key as string });
      expect(used.body.auth).toMatchObject({ keyId: id, orgId: 'acme' });
    });

    it('POST /:id/rotate: 201 with a new key (same nickname and scopes); the old one works until the grace period ends', async () => {
      const me = await account();
      const created = await me.create({ nickname: 'rotating', scopes: ['agents:read', 'triage:read'] });
      const oldKey = created.body.key as string;
      const rotated = await me.rotate(created.body.id as string, { gracePeriodSeconds: 120 });
      expect(rotated.status).toBe(201);
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      expect(rotated.body).toMatchObject({ nickname: 'rotating', scopes: ['agents:read', 'triage:read'] });
      expect(rotated.body.key).not.toBe(oldKey);
      expect((await ctx.request('GET', '/protected', { 'x-api-key': oldKey })).status).toBe(200);
      ctx.advance(119_000);
      expect((await ctx.request('GET', '/protected', { 'x-api-key': oldKey })).status).toBe(200);
      ctx.advance(1_001);
      expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': oldKey }), 401, 'expired_api_key');
      expect((await ctx.request('GET', '/protected', { 'x-api-key': rotated.body.key as string })).status).toBe(200);
      const again = await me.rotate(rotated.body.id as string);
      expect(again.status).toBe(201);
      expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': rotated.body.key as string }), 401, 'expired_api_key');
      expect((await me.rotate('key_doesnotexist', {})).status).toBe(404);
      expect((await me.rotate(again.body.id as string, { gracePeriodSeconds: 'soon' })).status).toBe(422);
    });

    it('stops reading a body over the limit: 413 body_too_large with Connection: close, the rest never read', async () => {
      const me = await account();
      const total = 64 * 1024 * 1024;
      for (const declareLength of [false, true]) {
        const { response, bytesWritten } = await sendOversizedBody(ctx.url(), BASE, me.auth, total, declareLength);
        expect(response.status).toBe(413);
        expect(response.body).toMatchObject({ status: 413, code: 'body_too_large' });
        expect(response.headers.get('connection')).toBe('close');
        // 64 KiB is the limit; socket buffers account for the rest. Draining would take all 64 MiB.
        expect(bytesWritten).toBeLessThan(total / 2);
      }
      expect((await me.create({ nickname: 'after-413' })).status).toBe(201);
    });

    it('takes JWTs only: no credential, an API key or a bad token is a 401', async () => {
      const { key } = await ctx.mint({ scopes: ['*'] });
      expectFailure(await ctx.request('GET', BASE), 401, 'missing_credentials');
      expectFailure(await ctx.request('GET', BASE, { authorization: `Bearer ${key}` }), 401, 'invalid_token');
      expectFailure(await ctx.request('GET', BASE, { 'x-api-key': key }), 401, 'invalid_token');
      const forged = `${(await ctx.token('x', 'acme')).slice(0, -4)}AAAA`;
      expectFailure(await ctx.request('POST', BASE, { authorization: `Bearer ${forged}`, ...JSON_TYPE }, '{"nickname":"x"}'), 401, 'invalid_token');
    });

    it('answers 503 with Retry-After while the store is down', async () => {
      const me = await account();
      ctx.store().fail('error');
      try {
        for (const res of [await me.list(), await me.create({ nickname: 'down' })]) {
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toBe('5');
        }
      } finally {
        ctx.store().fail(null);
      }
    });

    it('passes other paths under the mount point on (404)', async () => {
      const me = await account();
      expect((await ctx.request('GET', `${BASE}/x/y/z`, me.auth)).status).toBe(404);
      expect((await ctx.request('GET', '/no-such-route')).status).toBe(404);
    });
  });
}
