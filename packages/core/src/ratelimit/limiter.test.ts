import { describe, expect, it } from 'vitest';
import { PEPPER, setup } from '../../test/helpers.js';
import type { RateLimitOptions, RateLimitResult } from './limiter.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitDecision, RateLimitRequest, RateLimitStore } from './rate-limit-store.js';

/** A store in front of memory that counts round trips and can be made to fail or hang. */
function countingStore(mode: { fail?: boolean; async?: boolean } = {}) {
  const inner = new MemoryRateLimitStore();
  const calls: RateLimitRequest[] = [];
  const store: RateLimitStore = {
    consume(request): RateLimitDecision | Promise<RateLimitDecision> {
      calls.push(request);
      if (mode.fail) return Promise.reject(new Error('connection refused'));
      const d = inner.consume(request);
      return mode.async ? Promise.resolve(d) : d;
    },
  };
  return { store, calls, mode };
}

const PER_MINUTE = { name: 'per-minute', limit: 3, windowSeconds: 60 } as const;

async function limited(rateLimit: Omit<RateLimitOptions, 'store'>, store: RateLimitStore = new MemoryRateLimitStore()) {
  const s = setup({ rateLimit: { store, ...rateLimit } });
  const mint = async (input: { orgId?: string; rateLimit?: unknown; metadata?: Record<string, unknown> } = {}) => {
    const { key } = await s.keyward.keys.create({ ownerId: `u${Math.random()}`, orgId: input.orgId ?? 'acme', nickname: 'k', ...(input as object) });
    const auth = await s.keyward.authenticate({ 'x-api-key': key });
    if (!auth.ok) throw new Error('auth failed');
    return auth.principal;
  };
  return { ...s, mint };
}

describe('keyward.limit', () => {
  it('admits the burst with RateLimit headers, then answers 429 rate_limited with Retry-After and the limit in the body', async () => {
    const { keyward, clock, mint } = await limited({ limits: [PER_MINUTE] });
    const p = await mint();
    const first = await keyward.limit(p);
    expect(first).toEqual({ ok: true, cost: 1, headers: { 'ratelimit-policy': '"per-minute";q=3;w=60', ratelimit: '"per-minute";r=2;t=20' } });
    await keyward.limit(p);
    expect(await keyward.limit(p)).toMatchObject({ ok: true, headers: { ratelimit: '"per-minute";r=0;t=20' } });
    const refused = (await keyward.limit(p)) as Extract<RateLimitResult, { ok: false }>;
    expect(refused.ok).toBe(false);
    const r = keyward.respond(refused.failure);
    expect(r.status).toBe(429);
    expect(r.headers).toMatchObject({ 'retry-after': '20', 'cache-control': 'no-store', 'ratelimit-policy': '"per-minute";q=3;w=60', ratelimit: '"per-minute";r=0;t=20' });
    expect(r.body).toMatchObject({ status: 429, error: 'Too Many Requests', code: 'rate_limited', limit: 'per-minute', quota: 3, window: 60, retryAfterSeconds: 20 });
    clock.advance(20_000);
    expect((await keyward.limit(p)).ok).toBe(true);
  });

  it('counts a request once: a second call with previous charges only the difference of costs', async () => {
    const { store, calls } = countingStore();
    const { keyward, mint } = await limited({ limits: [{ name: 'm', limit: 10, windowSeconds: 600 }] }, store);
    const p = await mint();
    const once = await keyward.limit(p);
    expect(await keyward.limit(p, { previous: once })).toBe(once);
    expect(calls).toHaveLength(1);
    const topped = await keyward.limit(p, { cost: 5, previous: once });
    expect(calls.map((c) => c.cost)).toEqual([1, 4]);
    expect(topped).toMatchObject({ ok: true, cost: 5, headers: { ratelimit: '"m";r=5;t=300' } });
  });

  it('shares a per-org limit between the keys of an organization, apart from other organizations', async () => {
    const { keyward, mint } = await limited({ limits: [{ name: 'org', limit: 2, windowSeconds: 60, per: 'org' }] });
    const [a, b, other] = [await mint(), await mint(), await mint({ orgId: 'globex' })];
    expect((await keyward.limit(a)).ok).toBe(true);
    expect((await keyward.limit(b)).ok).toBe(true);
    expect((await keyward.limit(a)).ok).toBe(false);
    expect((await keyward.limit(other)).ok).toBe(true);
  });

  it('picks limits per principal with a resolver, and per key from keys.create({ rateLimit })', async () => {
    const pro = [{ name: 'per-minute', limit: 100, windowSeconds: 60 }];
    const { keyward, mint } = await limited({ limits: (p) => (p.metadata.plan === 'pro' ? pro : [PER_MINUTE]) });
    const free = await mint();
    const paid = await mint({ metadata: { plan: 'pro' } });
    const custom = await mint({ rateLimit: { limits: [{ name: 'per-minute', limit: 1, windowSeconds: 60 }] } });
    await keyward.limit(free);
    expect(await keyward.limit(free)).toMatchObject({ headers: { ratelimit: '"per-minute";r=1;t=40' } });
    expect(await keyward.limit(paid)).toMatchObject({ headers: { 'ratelimit-policy': '"per-minute";q=100;w=60' } });
    expect((await keyward.limit(custom)).ok).toBe(true);
    expect((await keyward.limit(custom)).ok).toBe(false);
    expect(custom.metadata).toEqual({ keyward: { rateLimit: { limits: [{ name: 'per-minute', limit: 1, windowSeconds: 60 }] } } });
  });

  it('validates per-key limits and keeps metadata.keyward for them', async () => {
    const { keyward } = await limited({ limits: [PER_MINUTE] });
    const create = (extra: object) => keyward.keys.create({ ownerId: 'u', nickname: `n${Math.random()}`, ...extra });
    await expect(create({ rateLimit: { limits: [{ name: 'x', limit: 0, windowSeconds: 60 }] } })).rejects.toMatchObject({ code: 'invalid_input', field: 'rateLimit' });
    await expect(create({ rateLimit: { quotas: [{ name: 'q', amount: 5, period: 'week' }] } })).rejects.toMatchObject({ field: 'rateLimit' });
    await expect(create({ rateLimit: { limit: 5 } })).rejects.toMatchObject({ field: 'rateLimit' });
    await expect(create({ metadata: { keyward: { rateLimit: {} } } })).rejects.toMatchObject({ code: 'invalid_input', field: 'metadata' });
  });

  it('ignores limits carried by a JWT\'s claims and counts a JWT per subject', async () => {
    const s = setup({ acceptJwt: true, jwt: { secret: PEPPER }, rateLimit: { store: new MemoryRateLimitStore(), limits: [{ name: 'm', limit: 1, windowSeconds: 60 }] } });
    const principal = { type: 'jwt' as const, keyId: null, ownerId: 'alice', orgId: null, nickname: null, scopes: [], environment: null, expiresAt: null, metadata: { keyward: { rateLimit: { limits: [{ name: 'm', limit: 100, windowSeconds: 1 }] } } } };
    expect((await s.keyward.limit(principal)).ok).toBe(true);
    expect((await s.keyward.limit({ ...principal })).ok).toBe(false);
    expect(await s.keyward.limit(null)).toMatchObject({ ok: true, headers: {} });
  });

  it('spends a quota by cost, answers quota_exceeded when spent, and refills it at the next period', async () => {
    const { keyward, clock, mint } = await limited({ quotas: [{ name: 'daily', amount: 10, period: 'day' }] });
    const p = await mint();
    expect(await keyward.limit(p, { cost: 7 })).toMatchObject({ ok: true, headers: { 'ratelimit-policy': '"daily";q=10;w=86400', ratelimit: '"daily";r=3;t=86400' } });
    const refused = await keyward.limit(p, { cost: 4 });
    if (refused.ok) throw new Error('expected a refusal');
    const r = keyward.respond(refused.failure);
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ code: 'quota_exceeded', limit: 'daily', quota: 10, window: 86_400, retryAfterSeconds: 86_400 });
    expect((await keyward.limit(p, { cost: 3 })).ok).toBe(true);
    clock.advance(86_400_000);
    expect(await keyward.limit(p, { cost: 10 })).toMatchObject({ ok: true, headers: { ratelimit: '"daily";r=0;t=86400' } });
  });

  it('remembers an exhausted bucket: no store round trip until it has room again', async () => {
    const { store, calls } = countingStore({ async: true });
    const { keyward, clock, mint } = await limited({ limits: [{ name: 'm', limit: 2, windowSeconds: 10 }] }, store);
    const p = await mint();
    expect((await keyward.limit(p)).ok).toBe(true);
    expect((await keyward.limit(p)).ok).toBe(true); // the last unit: from now on a refusal is known
    expect(calls).toHaveLength(2);
    for (let i = 0; i < 1000; i++) expect((await keyward.limit(p)).ok).toBe(false);
    expect(calls).toHaveLength(2);
    const local = await keyward.limit(p);
    expect(local.ok ? null : keyward.respond(local.failure).headers).toMatchObject({ 'retry-after': '5', ratelimit: '"m";r=0;t=5' });
    clock.advance(5_000);
    expect((await keyward.limit(p)).ok).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('lets requests through when the store fails (default), logging once per outage', async () => {
    const counting = countingStore({ fail: true });
    const { keyward, mint, warnings } = await limited({ limits: [PER_MINUTE] }, counting.store);
    const p = await mint();
    for (let i = 0; i < 5; i++) expect(await keyward.limit(p)).toMatchObject({ ok: true, headers: {} });
    expect(warnings.filter((w) => w.includes('rate-limit store'))).toHaveLength(1);
    counting.mode.fail = false;
    expect((await keyward.limit(p)).ok).toBe(true);
    counting.mode.fail = true;
    await keyward.limit(p);
    expect(warnings.filter((w) => w.includes('rate-limit store failed'))).toHaveLength(2);
  });

  it('answers 503 auth_unavailable when the store fails and onStoreError is deny, and on a timeout', async () => {
    const hanging: RateLimitStore = { consume: () => new Promise(() => undefined) };
    const { keyward, mint } = await limited({ limits: [PER_MINUTE], onStoreError: 'deny', timeoutMs: 20 }, hanging);
    const result = await keyward.limit(await mint());
    expect(result.ok ? null : keyward.respond(result.failure)).toMatchObject({ status: 503, body: { code: 'auth_unavailable' }, headers: { 'retry-after': '5' } });
  });

  it('sends the X-RateLimit trio too with headers: legacy, and nothing on success with headers: false', async () => {
    const { keyward, mint, clock } = await limited({ limits: [PER_MINUTE], headers: 'legacy' });
    expect(await keyward.limit(await mint())).toMatchObject({
      headers: { ratelimit: '"per-minute";r=2;t=20', 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-reset': String(Math.ceil((clock.now() + 20_000) / 1000)) },
    });
    const quiet = await limited({ limits: [PER_MINUTE], headers: false });
    expect(await quiet.keyward.limit(await quiet.mint())).toMatchObject({ ok: true, headers: {} });
  });

  it('rejects bad options at construction, naming them', () => {
    const store = new MemoryRateLimitStore();
    expect(() => setup({ rateLimit: { store, limits: [{ name: 'bad name', limit: 1, windowSeconds: 1 }] } })).toThrow(/rateLimit.*limits\[0\].*name/);
    expect(() => setup({ rateLimit: { store, limits: [PER_MINUTE], quotas: [{ name: 'per-minute', amount: 1, period: 'day' }] } })).toThrow(/used twice/);
    expect(() => setup({ rateLimit: { store, onStoreError: 'fail' as 'deny' } })).toThrow(/onStoreError/);
    expect(() => setup({ rateLimit: { store, limit: [] } as unknown as RateLimitOptions })).toThrow(/did you mean "rateLimit.limits"/);
    expect(() => setup({ rateLimit: {} as RateLimitOptions })).toThrow(/rateLimit.store/);
    const { keyward } = setup({ rateLimit: { store, limits: [PER_MINUTE] } });
    expect(() => keyward.limit(null, { cost: 1.5 })).toThrow(/cost/);
  });
});

describe('keyward.limit over HTTP, one instance on MemoryRateLimitStore', () => {
  it('admits exactly 50 of 300 concurrent requests with one key limited to 50 (burst 50)', async () => {
    const { floodInstances } = await import('../testing/shared-limit.js');
    const s = setup({ now: Date.now, rateLimit: { store: new MemoryRateLimitStore(), limits: [{ name: 'hourly', limit: 50, windowSeconds: 3600, burst: 50 }] } });
    const { key } = await s.keyward.keys.create({ ownerId: 'flood', nickname: 'flood' });
    expect(await floodInstances([s.keyward], key, 300)).toEqual({ 200: 50, 429: 250 });
  });
});
