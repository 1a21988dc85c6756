import { describe, expect, it } from 'vitest';
import type { KeyRateLimit } from '@keyward/core';
import type { ScenarioContext } from './http-scenarios-helpers.js';
import { expectFailure } from './http-scenarios-helpers.js';

let minted = 0;

/**
 * Rate limits and quotas over HTTP: the 429 with its headers and body, the `RateLimit` headers of
 * successful responses, one count per request however many guards run, route costs, a limit
 * shared by an organization's keys, and a quota refilled by the injected clock. The suite's
 * keyward has no limits of its own: each key here carries its rules (`keys.create({ rateLimit })`).
 */
export function rateLimitScenarios(ctx: ScenarioContext): void {
  const mint = async (rateLimit: KeyRateLimit, orgId = 'acme') => {
    const n = ++minted;
    const { key } = await ctx.keyward().keys.create({ ownerId: `rl_owner_${n}_${Math.random().toString(36).slice(2)}`, orgId, nickname: `rl${n}`, rateLimit });
    return { 'x-api-key': key };
  };
  const get = (path: string, headers: Record<string, string>) => ctx.request('GET', path, headers);

  describe('rate limits', () => {
    it('answers 429 rate_limited with Retry-After, RateLimit, RateLimit-Policy, no-store and the limit in the body', async () => {
      const headers = await mint({ limits: [{ name: 'per-minute', limit: 3, windowSeconds: 60 }] });
      for (const r of [2, 1, 0]) {
        const ok = await get('/protected', headers);
        expect(ok.status).toBe(200);
        expect(ok.headers.get('ratelimit-policy')).toBe('"per-minute";q=3;w=60');
        expect(ok.headers.get('ratelimit')).toBe(`"per-minute";r=${r};t=${r === 0 ? 20 : 60 - 20 * r}`);
      }
      const refused = await get('/protected', headers);
      expectFailure(refused, 429, 'rate_limited');
      expect(refused.headers.get('retry-after')).toBe('20');
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(refused.headers.get('ratelimit-policy')).toBe('"per-minute";q=3;w=60');
      expect(refused.headers.get('ratelimit')).toBe('"per-minute";r=0;t=20');
      expect(refused.body).toEqual({
        status: 429, error: 'Too Many Requests', code: 'rate_limited', message: 'Too many requests. Retry in 20 seconds.',
        limit: 'per-minute', quota: 3, window: 60, retryAfterSeconds: 20,
      });
      ctx.advance(20_000);
      expect((await get('/protected', headers)).status).toBe(200);
    });

    it('sends no RateLimit headers for a key without limits', async () => {
      const { key } = await ctx.mint();
      const res = await get('/protected', { 'x-api-key': key });
      expect(res.status).toBe(200);
      expect([res.headers.get('ratelimit'), res.headers.get('ratelimit-policy')]).toEqual([null, null]);
    });

    it('counts each request once, whatever number of guards run, and charges route costs', async () => {
      const headers = await mint({ limits: [{ name: 'hourly', limit: 10, windowSeconds: 3600 }] });
      const remaining = async (path: string) => {
        const res = await get(path, headers);
        return res.status === 200 ? /r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1] : res.status;
      };
      expect(await remaining('/acme')).toBe('9'); // auth + organization guard
      expect(await remaining('/twice')).toBe('6'); // authenticated twice, cost 3 asked twice, organization guard
      expect(await remaining('/costly')).toBe('1'); // cost 5
      expect(await remaining('/costly')).toBe(429); // 5 > 1: refused, nothing spent
      expect(await remaining('/protected')).toBe('0');
      expect(await remaining('/protected')).toBe(429);
    });

    it('shares a per-organization limit between the keys of the organization', async () => {
      const org = `rl-org-${Math.random().toString(36).slice(2)}`;
      const rule: KeyRateLimit = { limits: [{ name: 'org-hourly', limit: 2, windowSeconds: 3600, per: 'org' }] };
      const [a, b] = [await mint(rule, org), await mint(rule, org)];
      expect((await get('/protected', a)).status).toBe(200);
      expect((await get('/protected', b)).status).toBe(200);
      expectFailure(await get('/protected', a), 429, 'rate_limited');
      expectFailure(await get('/protected', b), 429, 'rate_limited');
    });

    it('spends a quota by cost, answers 429 quota_exceeded until the period turns, then refills it (injected clock)', async () => {
      const headers = await mint({ quotas: [{ name: 'daily', amount: 6, period: 'day' }] });
      const ok = await get('/costly', headers);
      expect(ok.status).toBe(200);
      const toMidnight = Math.ceil((86_400_000 - (ctx.now() % 86_400_000)) / 1000);
      expect(ok.headers.get('ratelimit')).toBe(`"daily";r=1;t=${toMidnight}`);
      expect(ok.headers.get('ratelimit-policy')).toBe('"daily";q=6;w=86400');
      expect((await get('/protected', headers)).status).toBe(200);
      const spent = await get('/protected', headers);
      expectFailure(spent, 429, 'quota_exceeded');
      expect(spent.headers.get('retry-after')).toBe(String(toMidnight));
      expect(spent.body).toMatchObject({ limit: 'daily', quota: 6, window: 86_400, retryAfterSeconds: toMidnight });
      ctx.advance(toMidnight * 1000);
      const refilled = await get('/costly', headers);
      expect(refilled.status).toBe(200);
      expect(refilled.headers.get('ratelimit')).toBe('"daily";r=1;t=86400');
    });
  });
}
