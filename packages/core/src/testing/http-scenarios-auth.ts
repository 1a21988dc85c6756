import { describe, expect, it } from 'vitest';
import { MemoryKeyStore, createKeyward } from '@keyward/core';
import type { ScenarioContext } from './http-scenarios-helpers.js';
import { expectFailure } from './http-scenarios-helpers.js';
import { requestWithLines } from './http-scenarios-raw.js';

/** Flip the last character of a key: same shape, wrong checksum. */
const mistype = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

/** Credentials on the request: both headers, precedence, scheme case, every 401 code, malformed input. */
export function credentialScenarios(ctx: ScenarioContext): void {
  describe('credentials', () => {
    it('accepts X-API-Key and Authorization: Bearer, with any scheme case and surrounding spaces', async () => {
      const { key, id } = await ctx.mint({ scopes: ['agents:read'] });
      for (const headers of [{ 'x-api-key': key } as Record<string, string>, { authorization: `Bearer ${key}` }, { authorization: `bearer ${key}` }, { authorization: `BEARER   ${key} ` }]) {
        const res = await ctx.request('GET', '/protected', headers);
        expect(res.status).toBe(200);
        expect(res.body.auth).toMatchObject({ type: 'api_key', keyId: id, orgId: 'acme', scopes: ['agents:read'], environment: 'live' });
      }
    });

    it('X-API-Key wins when both headers are sent', async () => {
      const { key, id } = await ctx.mint();
      const wins = await ctx.request('GET', '/protected', { 'x-api-key': key, authorization: 'Basic dXNlcjpwYXNz' });
      expect(wins.status).toBe(200);
      expect(wins.body.auth).toMatchObject({ keyId: id });
      expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': mistype(key), authorization: `Bearer ${key}` }), 401, 'invalid_api_key');
    });

    it('answers missing_credentials with a bare Bearer challenge', async () => {
      expectFailure(await ctx.request('GET', '/protected'), 401, 'missing_credentials');
      expectFailure(await ctx.request('GET', '/protected', { authorization: '' }), 401, 'malformed_credentials');
    });

    it('answers malformed_credentials for another scheme, a bare Bearer, extra words or several values', async () => {
      const { key } = await ctx.mint();
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${key} extra`, `Bearer ${key}, Bearer ${key}`]) {
        expectFailure(await ctx.request('GET', '/protected', { authorization }), 401, 'malformed_credentials');
      }
      expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': `${key}, ${key}` }), 401, 'malformed_credentials');
    });

    it('answers malformed_credentials for two Authorization lines (Node keeps only the first) or two X-API-Key lines', async () => {
      const a = await ctx.mint();
      const b = await ctx.mint();
      const cases: Record<string, string[]>[] = [{ authorization: [`Bearer ${a.key}`, `Bearer ${b.key}`] }, { authorization: [`Bearer ${a.key}`, `Bearer ${a.key}`] }, { 'x-api-key': [a.key, b.key] }];
      for (const headers of cases) {
        const res = await requestWithLines(ctx.url(), 'GET', '/protected', headers);
        expectFailure(res, 401, 'malformed_credentials');
        expect(res.body.message).toBe('Send exactly one credential.');
      }
      expectFailure(await requestWithLines(ctx.url(), 'GET', '/optional', { authorization: [`Bearer ${a.key}`, `Bearer ${b.key}`] }), 401, 'malformed_credentials');
      const token = await ctx.token('someone', 'acme');
      const management = await requestWithLines(ctx.url(), 'GET', '/auth/api-keys', { authorization: [`Bearer ${token}`, `Bearer ${token}`] });
      expectFailure(management, 401, 'malformed_credentials');
      expect((await requestWithLines(ctx.url(), 'GET', '/protected', { authorization: `Bearer ${a.key}` })).status).toBe(200);
    });

    it('answers invalid_api_key for a mistyped, unknown-prefix or unknown key, and for a JWT when JWTs are not accepted', async () => {
      const { key } = await ctx.mint();
      // A well-formed key with a valid checksum that the suite's store has never seen: minted by another instance.
      const elsewhere = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], logger: false, usage: false });
      const unknown = (await elsewhere.keys.create({ ownerId: 'nobody', nickname: 'elsewhere' })).key;
      await elsewhere.close();
      for (const value of [mistype(key), key.replace('eck_live_', 'xyz_live_'), unknown, 'eck_live_short', await ctx.token('alice', 'acme')]) {
        expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': value }), 401, 'invalid_api_key');
      }
    });

    it('answers expired_api_key once the expiry has passed (injected clock)', async () => {
      const { key } = await ctx.mint({ expiresAt: new Date(ctx.now() + 60_000) });
      expect((await ctx.request('GET', '/protected', { 'x-api-key': key })).status).toBe(200);
      ctx.advance(60_001);
      expectFailure(await ctx.request('GET', '/protected', { 'x-api-key': key }), 401, 'expired_api_key');
    });

    it('rejects malformed input with 401, never 500, and without a store lookup', async () => {
      const { key } = await ctx.mint();
      ctx.store().resetCalls();
      const cases: Record<string, string>[] = [
        { 'x-api-key': 'x'.repeat(5000) },
        { 'x-api-key': `${key.slice(0, 10)}\t${key.slice(10)}` },
        { 'x-api-key': `${key.slice(0, -1)}\u00e9` },
        { authorization: `Bearer ${key}\u00ff` },
        { 'x-api-key': mistype(key) },
        { authorization: 'Bearer a.b' },
        { authorization: 'Digest x=1' },
      ];
      for (const headers of cases) {
        const res = await ctx.request('GET', '/protected', headers);
        expect(res.status, JSON.stringify(Object.keys(headers))).toBe(401);
        expect(['malformed_credentials', 'invalid_api_key']).toContain(res.body.code);
      }
      expect(ctx.store().calls.findByHash).toBe(0);
    });

    it.each(['error', 'hang'] as const)('answers 503 auth_unavailable with Retry-After when the store fails (%s), never 401', async (mode) => {
      const { key } = await ctx.mint();
      ctx.store().fail(mode);
      try {
        const res = await ctx.request('GET', '/protected', { 'x-api-key': key });
        expectFailure(res, 503, 'auth_unavailable');
        expect(res.headers.get('retry-after')).toBe('5');
      } finally {
        ctx.store().fail(null);
      }
      expect((await ctx.request('GET', '/protected', { 'x-api-key': key })).status).toBe(200);
    });
  });
}

/** Scopes (all / any / wildcards), optional auth and the organization guard. */
export function guardScenarios(ctx: ScenarioContext): void {
  describe('scopes', () => {
    it('403 names the one required scope as a string, with the key scopes and an insufficient_scope challenge', async () => {
      const { key } = await ctx.mint({ scopes: ['agents:read'] });
      const res = await ctx.request('GET', '/scopes/one', { 'x-api-key': key });
      expectFailure(res, 403, 'insufficient_scope');
      expect(res.body).toMatchObject({ error: 'Insufficient scope', required: 'agents:run', provided: ['agents:read'] });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="keyward", error="insufficient_scope", scope="agents:run"');
    });

    it('all-of: every scope is needed, and the 403 lists them as an array', async () => {
      const { key } = await ctx.mint({ scopes: ['agents:run'] });
      const res = await ctx.request('GET', '/scopes/all', { 'x-api-key': key });
      expectFailure(res, 403, 'insufficient_scope');
      expect(res.body).toMatchObject({ required: ['agents:run', 'agents:read'], provided: ['agents:run'] });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="keyward", error="insufficient_scope", scope="agents:run agents:read"');
      const both = await ctx.mint({ scopes: ['agents:run', 'agents:read'] });
      expect((await ctx.request('GET', '/scopes/all', { 'x-api-key': both.key })).status).toBe(200);
    });

    it('wildcards: agents:* and * grant the agents scopes', async () => {
      for (const scopes of [['agents:*'], ['*']]) {
        const { key } = await ctx.mint({ scopes });
        expect((await ctx.request('GET', '/scopes/all', { 'x-api-key': key })).status).toBe(200);
      }
      const { key } = await ctx.mint({ scopes: ['agents:*'] });
      expectFailure(await ctx.request('GET', '/scopes/any', { 'x-api-key': key }), 403, 'insufficient_scope');
    });

    it('any-of: one of the scopes is enough', async () => {
      const { key } = await ctx.mint({ scopes: ['triage:write'] });
      expect((await ctx.request('GET', '/scopes/any', { 'x-api-key': key })).status).toBe(200);
      const other = await ctx.mint({ scopes: ['agents:run'] });
      const res = await ctx.request('GET', '/scopes/any', { authorization: `Bearer ${other.key}` });
      expectFailure(res, 403, 'insufficient_scope');
      expect(res.body.required).toEqual(['triage:read', 'triage:write']);
    });
  });

  describe('optional auth', () => {
    it('lets an anonymous request through with auth null, and attaches a valid key', async () => {
      const anonymous = await ctx.request('GET', '/optional');
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ auth: null });
      const { key, id } = await ctx.mint();
      expect((await ctx.request('GET', '/optional', { 'x-api-key': key })).body.auth).toMatchObject({ keyId: id });
    });

    it('still refuses a bad or malformed credential with 401', async () => {
      const { key } = await ctx.mint();
      expectFailure(await ctx.request('GET', '/optional', { 'x-api-key': mistype(key) }), 401, 'invalid_api_key');
      expectFailure(await ctx.request('GET', '/optional', { authorization: 'Basic eDp5' }), 401, 'malformed_credentials');
    });

    it('a scope guard after optional auth answers missing_credentials to an anonymous request', async () => {
      expectFailure(await ctx.request('GET', '/optional/scoped'), 401, 'missing_credentials');
      const reader = await ctx.mint({ scopes: ['agents:read'] });
      expect((await ctx.request('GET', '/optional/scoped', { 'x-api-key': reader.key })).status).toBe(200);
      const other = await ctx.mint({ scopes: ['agents:run'] });
      expectFailure(await ctx.request('GET', '/optional/scoped', { 'x-api-key': other.key }), 403, 'insufficient_scope');
    });
  });

  describe('organization guard', () => {
    it('allows the key organization and answers 403 forbidden_organization to any other', async () => {
      const acme = await ctx.mint({ orgId: 'acme' });
      const beta = await ctx.mint({ orgId: 'beta' });
      const none = await ctx.mint({ orgId: null });
      expect((await ctx.request('GET', '/orgs/acme', { 'x-api-key': acme.key })).status).toBe(200);
      expect((await ctx.request('GET', '/acme', { 'x-api-key': acme.key })).status).toBe(200);
      expectFailure(await ctx.request('GET', '/orgs/acme', { 'x-api-key': beta.key }), 403, 'forbidden_organization');
      expectFailure(await ctx.request('GET', '/acme', { 'x-api-key': beta.key }), 403, 'forbidden_organization');
      expectFailure(await ctx.request('GET', '/acme', { 'x-api-key': none.key }), 403, 'forbidden_organization');
      expectFailure(await ctx.request('GET', '/orgs/acme'), 401, 'missing_credentials');
    });
  });
}
