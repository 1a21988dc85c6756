import { describe, expect, it } from 'vitest';
import type { ScenarioContext, ScenarioResponse } from './http-scenarios-helpers.js';
import { expectFailure } from './http-scenarios-helpers.js';

const BASE = '/auth/api-keys';
const JSON_TYPE = { 'content-type': 'application/json' };
let people = 0;

/** A 401 for a key outside the caller's reach: exactly the body (and challenge) of DELETE of another account's key. */
function expectNotYours(res: ScenarioResponse, reference: ScenarioResponse): void {
  expectFailure(res, 401, 'not_owner');
  expect(res.body).toEqual(reference.body);
  expect(res.headers.get('www-authenticate')).toBe(reference.headers.get('www-authenticate'));
}

/** Members act on their own keys only; organization admins on every key of their organization, none of another. */
export function roleScenarios(ctx: ScenarioContext): void {
  const { adminRole } = ctx.management.options;

  /** A caller (JWT) in `org`, with `roles`, and helpers for every management route. */
  async function person(org: string | undefined, roles?: readonly string[] | string) {
    const sub = `person_${++people}_${Math.random().toString(36).slice(2)}`;
    const auth = { authorization: `Bearer ${await ctx.token(sub, org, roles)}` };
    return {
      sub,
      create: async (nickname: string) => {
        const res = await ctx.request('POST', BASE, { ...auth, ...JSON_TYPE }, JSON.stringify({ nickname, scopes: ['agents:read'] }));
        expect(res.status).toBe(201);
        return { id: res.body.id as string, key: res.body.key as string };
      },
      list: (query = '') => ctx.request('GET', `${BASE}${query}`, auth),
      show: (id: string) => ctx.request('GET', `${BASE}/${id}`, auth),
      update: (id: string, body: unknown) => ctx.request('PATCH', `${BASE}/${id}`, { ...auth, ...JSON_TYPE }, JSON.stringify(body)),
      remove: (id: string) => ctx.request('DELETE', `${BASE}/${id}`, auth),
      rotate: (id: string) => ctx.request('POST', `${BASE}/${id}/rotate`, { ...auth, ...JSON_TYPE }, '{}'),
    };
  }
  const freshOrg = (name: string) => `${name}_${Math.random().toString(36).slice(2)}`;
  const works = async (key: string) => (await ctx.request('GET', '/protected', { 'x-api-key': key })).status === 200;

  describe('management roles', () => {
    it('a member cannot see, update, revoke or rotate another member key: 401, the body of DELETE of another account key', async () => {
      const org = freshOrg('members');
      const alice = await person(org);
      const bob = await person(org, ['developer']);
      const theirs = await alice.create('alice-ci');
      const reference = await bob.remove(theirs.id);
      expectFailure(reference, 401, 'not_owner');
      expectNotYours(await bob.show(theirs.id), reference);
      expectNotYours(await bob.update(theirs.id, { nickname: 'stolen' }), reference);
      expectNotYours(await bob.rotate(theirs.id), reference);
      expect(((await bob.list()).body.apiKeys as unknown[])).toEqual([]);
      const shown = await alice.show(theirs.id);
      expect(shown.body).toMatchObject({ id: theirs.id, nickname: 'alice-ci', createdBy: alice.sub });
      expect(await works(theirs.key)).toBe(true);
    });

    it(`an admin (role "${adminRole}") lists every key of its organization with createdBy, and none of another`, async () => {
      const org = freshOrg('acme');
      const admin = await person(org, [adminRole, 'developer']);
      const alice = await person(org);
      const outsider = await person(freshOrg('globex'));
      const a = await alice.create('alice-key');
      ctx.advance(1); // lists are oldest first
      const own = await admin.create('admin-key');
      await outsider.create('outsider-key');
      const list = await admin.list();
      expect(list.status).toBe(200);
      const keys = list.body.apiKeys as Record<string, unknown>[];
      expect(keys.map((k) => [k.id, k.createdBy])).toEqual([[a.id, alice.sub], [own.id, admin.sub]]);
      const first = await admin.list('?limit=1');
      expect((first.body.apiKeys as { id: string }[]).map((k) => k.id)).toEqual([a.id]);
      const second = await admin.list(`?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
      expect((second.body.apiKeys as { id: string }[]).map((k) => k.id)).toEqual([own.id]);
      // A member of the same organization still sees only its own keys.
      expect(((await alice.list()).body.apiKeys as { id: string }[]).map((k) => k.id)).toEqual([a.id]);
    });

    it('an admin shows, updates, rotates and revokes any key of its organization; a key of another organization is 401', async () => {
      const org = freshOrg('acme');
      const admin = await person(org, adminRole); // a space-separated roles claim
      const alice = await person(org);
      const outsider = await person(freshOrg('globex'));
      const a = await alice.create('alice-key');
      const foreign = await outsider.create('foreign-key');
      expect((await admin.show(a.id)).body).toMatchObject({ id: a.id, createdBy: alice.sub });
      const updated = await admin.update(a.id, { nickname: 'renamed-by-admin' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ nickname: 'renamed-by-admin', createdBy: alice.sub });
      const rotated = await admin.rotate(a.id);
      expect(rotated.status).toBe(201);
      expect(await works(rotated.body.key as string)).toBe(true);
      // The new key still belongs to its member, who sees it.
      expect(((await alice.list()).body.apiKeys as { id: string }[]).map((k) => k.id)).toEqual([rotated.body.id]);
      expect((await admin.remove(rotated.body.id as string)).status).toBe(200);
      expect(await works(rotated.body.key as string)).toBe(false);

      const reference = await admin.remove(foreign.id);
      expectFailure(reference, 401, 'not_owner');
      expectNotYours(await admin.show(foreign.id), reference);
      expectNotYours(await admin.update(foreign.id, { nickname: 'x' }), reference);
      expectNotYours(await admin.rotate(foreign.id), reference);
      expect(await works(foreign.key)).toBe(true);
    });

    it('the admin role without an organization, or another role name, gives no organization powers', async () => {
      const org = freshOrg('acme');
      const alice = await person(org);
      const a = await alice.create('alice-key');
      const orgless = await person(undefined, [adminRole]);
      const wrongRole = await person(org, ['admin-ish', `${adminRole}s`]);
      for (const caller of [orgless, wrongRole]) {
        expect(((await caller.list()).body.apiKeys as unknown[])).toEqual([]);
        expectFailure(await caller.remove(a.id), 401, 'not_owner');
      }
      expect(await works(a.key)).toBe(true);
    });

    it('GET /me tells a JWT caller who it is, whether it is an admin, and the scopes it may grant', async () => {
      const org = freshOrg('acme');
      const admin = await person(org, [adminRole]);
      const token = await ctx.token(admin.sub, org, [adminRole]);
      const me = await ctx.request('GET', `${BASE}/me`, { authorization: `Bearer ${token}` });
      expect(me.status).toBe(200);
      expect(me.headers.get('cache-control')).toBe('no-store');
      expect(me.body).toMatchObject({ ownerId: admin.sub, orgId: org, roles: [adminRole], admin: true, csrfHeader: 'x-keyward-csrf' });
      const scopes = me.body.scopes as { name: string; description: string | null }[];
      expect(scopes).toContainEqual({ name: 'agents:run', description: 'Run agents' });
      expect(scopes).toContainEqual({ name: 'triage:read', description: null });
      const member = await ctx.request('GET', `${BASE}/me`, { authorization: `Bearer ${await ctx.token('plain', org)}` });
      expect(member.body).toMatchObject({ ownerId: 'plain', roles: [], admin: false });
      expectFailure(await ctx.request('GET', `${BASE}/me`), 401, 'missing_credentials');
    });
  });
}
