import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from './http-scenarios-helpers.js';
import { expectFailure } from './http-scenarios-helpers.js';

const BASE = '/auth/api-keys';
const JSON_TYPE = { 'content-type': 'application/json' };
const EVIL = 'https://evil.example';
let users = 0;

/** Session callers (the `authenticate` option reading a cookie) and the CSRF check of their state-changing requests. */
export function sessionScenarios(ctx: ScenarioContext): void {
  const { adminRole } = ctx.management.options;
  const freshOrg = () => `session_org_${Math.random().toString(36).slice(2)}`;
  /** A signed-in browser user: its Cookie header, and what a page of the app's own origin sends with it. */
  function user(orgId: string, roles: string[] = []) {
    const ownerId = `user_${++users}_${Math.random().toString(36).slice(2)}`;
    const cookie = ctx.session({ ownerId, orgId, roles, scopes: ['agents:read'] });
    const page = () => ({ cookie, origin: ctx.url(), 'sec-fetch-site': 'same-origin', 'x-keyward-csrf': '1' });
    return { ownerId, cookie, page };
  }
  const works = async (key: string) => (await ctx.request('GET', '/protected', { 'x-api-key': key })).status === 200;

  describe('management by a cookie session', () => {
    it('a session is a management caller: GET /me and the list need no CSRF header', async () => {
      const org = freshOrg();
      const me = user(org, ['developer']);
      const profile = await ctx.request('GET', `${BASE}/me`, { cookie: me.cookie });
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({ ownerId: me.ownerId, orgId: org, roles: ['developer'], admin: false, csrfHeader: 'x-keyward-csrf' });
      const list = await ctx.request('GET', BASE, { cookie: me.cookie, 'sec-fetch-site': 'cross-site' });
      expect(list.status).toBe(200);
      expect(list.body.apiKeys).toEqual([]);
    });

    it('a cross-site form POST with the session cookie is refused 403 csrf_failed, and no key is created', async () => {
      const me = user(freshOrg());
      const form = { cookie: me.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', origin: EVIL };
      const refused = await ctx.request('POST', BASE, form, 'nickname=pwned&scopes=agents%3Aread');
      expectFailure(refused, 403, 'csrf_failed');
      expect(refused.headers.get('cache-control')).toBe('no-store');
      // Each of the three conditions refuses on its own.
      const { 'x-keyward-csrf': _header, ...noHeader } = me.page();
      const variants = [noHeader, { ...me.page(), 'sec-fetch-site': 'cross-site' }, { ...me.page(), 'sec-fetch-site': 'same-site' }, { ...me.page(), origin: EVIL }, { ...me.page(), 'x-keyward-csrf': '' }];
      for (const headers of variants) {
        expectFailure(await ctx.request('POST', BASE, { ...headers, ...JSON_TYPE }, JSON.stringify({ nickname: 'pwned' })), 403, 'csrf_failed');
      }
      expect(await ctx.keyward().keys.list(me.ownerId)).toEqual([]);
    });

    it('the same request from a page of the same origin, with X-Keyward-CSRF, succeeds; PATCH and DELETE need it too', async () => {
      const me = user(freshOrg());
      const created = await ctx.request('POST', BASE, { ...me.page(), 'content-type': 'application/x-www-form-urlencoded' }, JSON.stringify({ nickname: 'from-the-page' }));
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const key = created.body.key as string;
      expect(await works(key)).toBe(true);
      const listed = await ctx.request('GET', BASE, { cookie: me.cookie });
      expect(listed.body.apiKeys).toMatchObject([{ id, nickname: 'from-the-page', createdBy: me.ownerId }]);
      // Without an Origin or Sec-Fetch-Site (an older browser, a same-origin GET-less client) the header alone passes.
      expect((await ctx.request('PATCH', `${BASE}/${id}`, { cookie: me.cookie, 'x-keyward-csrf': 'yes', ...JSON_TYPE }, '{"nickname":"renamed"}')).status).toBe(200);
      expectFailure(await ctx.request('PATCH', `${BASE}/${id}`, { cookie: me.cookie, ...JSON_TYPE }, '{"nickname":"x"}'), 403, 'csrf_failed');
      expectFailure(await ctx.request('DELETE', `${BASE}/${id}`, { cookie: me.cookie, 'sec-fetch-site': 'cross-site', origin: EVIL }), 403, 'csrf_failed');
      expectFailure(await ctx.request('POST', `${BASE}/${id}/rotate`, { cookie: me.cookie, ...JSON_TYPE }, '{}'), 403, 'csrf_failed');
      expect(await works(key)).toBe(true);
      expect((await ctx.request('DELETE', `${BASE}/${id}`, me.page())).status).toBe(200);
      expect(await works(key)).toBe(false);
    });

    it('a Bearer JWT needs no CSRF header, whatever the request metadata says', async () => {
      const token = await ctx.token(`script_${++users}`, 'acme');
      const headers = { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site', origin: EVIL, ...JSON_TYPE };
      const created = await ctx.request('POST', BASE, headers, JSON.stringify({ nickname: 'from-a-script' }));
      expect(created.status).toBe(201);
      expect((await ctx.request('DELETE', `${BASE}/${created.body.id as string}`, headers)).status).toBe(200);
      // An unknown session cookie is no session: the request goes on to the Bearer path.
      expect((await ctx.request('GET', BASE, { cookie: 'kw_test_session=unknown', authorization: `Bearer ${token}` })).status).toBe(200);
      expectFailure(await ctx.request('GET', BASE, { cookie: 'kw_test_session=unknown' }), 401, 'missing_credentials');
    });

    it('a session admin lists and revokes keys of its organization members', async () => {
      const org = freshOrg();
      const member = await ctx.request('POST', BASE, { authorization: `Bearer ${await ctx.token('member_of_' + org, org)}`, ...JSON_TYPE }, '{"nickname":"member-key"}');
      const admin = user(org, [adminRole]);
      expect((await ctx.request('GET', `${BASE}/me`, { cookie: admin.cookie })).body).toMatchObject({ admin: true, orgId: org });
      const list = await ctx.request('GET', BASE, { cookie: admin.cookie });
      expect(list.body.apiKeys).toMatchObject([{ id: member.body.id, createdBy: `member_of_${org}` }]);
      expect((await ctx.request('DELETE', `${BASE}/${member.body.id as string}`, admin.page())).status).toBe(200);
      expect(await works(member.body.key as string)).toBe(false);
    });

    it('an authenticate function that throws or returns a malformed principal answers 503 auth_unavailable, never 500', async () => {
      for (const cookie of [ctx.session('throws'), ctx.session('malformed')]) {
        for (const res of [await ctx.request('GET', BASE, { cookie }), await ctx.request('POST', BASE, { cookie, ...JSON_TYPE, 'x-keyward-csrf': '1' }, '{"nickname":"x"}')]) {
          expectFailure(res, 503, 'auth_unavailable');
          expect(res.headers.get('retry-after')).toBe('5');
        }
      }
    });
  });
}
