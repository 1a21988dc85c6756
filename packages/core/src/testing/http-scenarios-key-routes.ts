import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from './http-scenarios-helpers.js';
import { expectFailure } from './http-scenarios-helpers.js';

const BASE = '/auth/api-keys';
const JSON_TYPE = { 'content-type': 'application/json' };
let callers = 0;

/** `GET /:id` and `PATCH /:id` of the management routes: one key's metadata, and changing it. */
export function keyRouteScenarios(ctx: ScenarioContext): void {
  async function caller(org = 'acme') {
    const sub = `patcher_${++callers}_${Math.random().toString(36).slice(2)}`;
    const auth = { authorization: `Bearer ${await ctx.token(sub, org)}` };
    return {
      sub,
      create: (body: unknown) => ctx.request('POST', BASE, { ...auth, ...JSON_TYPE }, JSON.stringify(body)),
      list: (query = '') => ctx.request('GET', `${BASE}${query}`, auth),
      show: (id: string) => ctx.request('GET', `${BASE}/${id}`, auth),
      patch: (id: string, body: unknown) => ctx.request('PATCH', `${BASE}/${id}`, { ...auth, ...JSON_TYPE }, typeof body === 'string' ? body : JSON.stringify(body)),
    };
  }

  describe('management routes: GET /:id and PATCH /:id', () => {
    it('GET /:id shows one key of the caller (never its value); another account or organization gets 401, an unknown id 404', async () => {
      const me = await caller();
      const created = await me.create({ nickname: 'shown', scopes: ['agents:read'] });
      const shown = await me.show(created.body.id as string);
      expect(shown.status).toBe(200);
      expect(shown.headers.get('cache-control')).toBe('no-store');
      expect(shown.body).toMatchObject({ id: created.body.id, nickname: 'shown', scopes: ['agents:read'], start: (created.body.key as string).slice(0, 13) });
      expect(JSON.stringify(shown.body)).not.toContain(created.body.key as string);
      const stranger = await caller();
      const samePersonOtherOrg = await caller('evilcorp');
      for (const who of [stranger, samePersonOtherOrg]) {
        const res = await who.show(created.body.id as string);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('not_owner');
      }
      expect((await me.show('key_doesnotexist0000000000000')).status).toBe(404);
    });

    it('PATCH /:id changes nickname, scopes and expiry at once for every request; 409 on a clash, 422 on a bad field', async () => {
      const me = await caller();
      const created = await me.create({ nickname: 'before', scopes: ['agents:read'] });
      const key = created.body.key as string;
      const id = created.body.id as string;
      expect((await ctx.request('GET', '/scopes/one', { 'x-api-key': key })).status).toBe(403); // cached without agents:run
      const expiresAt = new Date(ctx.now() + 86_400_000).toISOString();
      const patched = await me.patch(id, { nickname: 'after', scopes: ['agents:run'], expiresAt });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id, nickname: 'after', scopes: ['agents:run'], expiresAt });
      expect((await ctx.request('GET', '/scopes/one', { 'x-api-key': key })).status).toBe(200); // the cache was dropped
      await me.create({ nickname: 'taken' });
      expectFailure(await me.patch(id, { nickname: 'taken' }), 409, 'nickname_conflict');
      expectFailure(await me.patch(id, { scopes: ['billing:admin'] }), 422, 'invalid_scope');
      expectFailure(await me.patch(id, { expiresAt: '2001-01-01T00:00:00Z' }), 422, 'invalid_expiry');
      expectFailure(await me.patch(id, { ownerId: 'someone-else' }), 422, 'invalid_input');
      expect((await me.patch(id, '{not json')).status).toBe(400);
      const stranger = await caller('evilcorp');
      expect((await stranger.patch(id, { nickname: 'stolen' })).status).toBe(401);
      expect((await me.show(id)).body.nickname).toBe('after');
    });

    it('GET /?limit=&cursor= pages through the caller keys with an opaque cursor; GET / alone still lists them all', async () => {
      const me = await caller();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await me.create({ nickname: `page-${i}` })).body.id as string);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await me.list(`?limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        expect(res.status).toBe(200);
        expect((res.body.apiKeys as unknown[]).length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.apiKeys as { id: string }[]).map((k) => k.id));
        cursor = res.body.nextCursor as string | null;
        pages++;
      } while (cursor !== null && pages < 10);
      expect([...seen].sort()).toEqual([...ids].sort()); // every key once (same createdAt: ordered by id)
      const all = await me.list();
      expect((all.body.apiKeys as { id: string }[]).map((k) => k.id)).toEqual(seen); // the same order as the pages
      expect(all.body).not.toHaveProperty('nextCursor'); // the unpaged answer keeps its shape
      expectFailure(await me.list('?limit=1000'), 422, 'invalid_input');
      expectFailure(await me.list('?limit=2&cursor=not-a-cursor'), 422, 'invalid_input');
    });
  });
}
